import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankTokenSet } from '#bank/authorization';
import { AmbiguousPaymentError, BankTimeoutError } from '#bank/errors';
import { SlidingWindowPacer } from '#bank/pacing';
import type { BankPayment } from '#bank/payments';
import type { FetchFunction } from '#bank/transport';
import {
  admin,
  BACKGROUND,
  type BankTarget,
  clientFor,
  connectSaver,
  ownTransfer,
  paymentAccounts,
  SAVER,
  simulatorTarget,
} from './bank-support.ts';

/**
 * Exactly-once evidence for payment creation: 1,000 concurrent creations over 100 external_ids while the
 * simulator commits some of them and then drops the answer. The bank must have received exactly what the
 * caller sent (10 per external_id): the client never repeats a creation, and reports each dropped answer
 * as ambiguous instead.
 */

const EXTERNAL_IDS = 100;
const CREATIONS_PER_EXTERNAL_ID = 10;
const DROPPED_SHARE = 0.2;
// Faster than Nordea's 100/s so the test stays short. The simulator allows far more than the client
// sends: this test is about exactly-once creation, not the rate limit (bank-rate-limit.test.ts is).
const CLIENT_PIS_CALLS_PER_SECOND = 250;
const SIMULATOR_PIS_CALLS_PER_SECOND = 2_000;

interface AdminPayments {
  payments: { external_id?: string; create_requests: number }[];
  create_requests_by_external_id: Record<string, number>;
}

describe('1,000 concurrent payment creations through commit-then-drop', () => {
  let target: BankTarget;
  let droppedAnswers = 0;
  let tokens: BankTokenSet;
  let accounts: ReturnType<typeof paymentAccounts>;

  beforeAll(async () => {
    target = await simulatorTarget({
      rateLimits: { pis: SIMULATOR_PIS_CALLS_PER_SECOND },
      // The simulator's own record of every answer it dropped after committing.
      log: (line) => {
        if (line.includes('(dropped by fault)')) droppedAnswers += 1;
      },
    });
    const client = clientFor(target);
    tokens = await connectSaver(client);
    accounts = paymentAccounts(await client.listAccounts(tokens.accessToken, SAVER));
  });
  afterAll(() => target?.close());

  it('leaves exactly 10 create requests per external_id at the bank; each dropped answer is ambiguous', async () => {
    const simulator = target.simulator;
    if (simulator === undefined) throw new Error('this test needs the simulator');
    let creationsSent = 0;
    const countingFetch: FetchFunction = (input, init) => {
      if (init?.method === 'POST') creationsSent += 1;
      return globalThis.fetch(input, init);
    };
    const client = clientFor(
      target,
      // A generous timeout: only the injected drops may make an outcome ambiguous, never a slow answer.
      // Signatures are covered elsewhere; skipping them keeps 1,000 RSA signatures off a small machine.
      { settings: { timeoutMs: 30_000, signatureMode: 'sandbox-skip' } },
      { fetch: countingFetch, pacer: new SlidingWindowPacer({ ais: 20, pis: CLIENT_PIS_CALLS_PER_SECOND }) },
    );
    const runId = crypto.randomUUID().slice(0, 8);
    const externalIds = Array.from({ length: EXTERNAL_IDS }, (_, index) => `xo-${runId}-${index}`);
    await admin(simulator, 'POST', 'faults', {
      type: 'commit-then-drop',
      method: 'POST',
      path: '/v5/payments/domestic-credit-transfers',
      probability: DROPPED_SHARE,
    });
    droppedAnswers = 0;

    // Round-robin over the ids, so each id's creations are spread over the whole run.
    const intended = Array.from({ length: CREATIONS_PER_EXTERNAL_ID }, () => externalIds).flat();
    const outcomes = await Promise.allSettled(
      intended.map((externalId) =>
        client.createDomesticPayment(tokens.accessToken, ownTransfer(accounts, externalId), BACKGROUND),
      ),
    );
    await admin(simulator, 'DELETE', 'faults');

    const created = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    const ambiguous = failures.filter((error) => error instanceof AmbiguousPaymentError);
    expect(failures.filter((error) => !(error instanceof AmbiguousPaymentError))).toEqual([]);
    // Every ambiguous outcome is a dropped connection, not a slow answer.
    for (const error of ambiguous) expect(error.cause).toBeInstanceOf(BankTimeoutError);

    expect(creationsSent).toBe(EXTERNAL_IDS * CREATIONS_PER_EXTERNAL_ID);
    expect(droppedAnswers).toBeGreaterThan(0);
    expect(ambiguous).toHaveLength(droppedAnswers);
    expect(created).toHaveLength(intended.length - droppedAnswers);

    // The bank's counters are what the caller intended: 10 per external_id, never more.
    const bank = await admin<AdminPayments>(simulator, 'GET', 'payments');
    const ours = Object.entries(bank.create_requests_by_external_id).filter(([id]) =>
      id.startsWith(`xo-${runId}-`),
    );
    expect(ours).toHaveLength(EXTERNAL_IDS);
    expect(Object.fromEntries(ours)).toEqual(
      Object.fromEntries(externalIds.map((externalId) => [externalId, CREATIONS_PER_EXTERNAL_ID])),
    );

    // Dropped answers still committed: reconciliation by external_id sees all 10 payments of each id.
    const listed = await client.listPayments(tokens.accessToken, BACKGROUND);
    const byExternalId = new Map<string, BankPayment[]>();
    for (const payment of listed) {
      if (payment.externalId === undefined || !payment.externalId.startsWith(`xo-${runId}-`)) continue;
      byExternalId.set(payment.externalId, [...(byExternalId.get(payment.externalId) ?? []), payment]);
    }
    expect([...byExternalId.keys()].sort()).toEqual([...externalIds].sort());
    for (const payments of byExternalId.values()) expect(payments).toHaveLength(CREATIONS_PER_EXTERNAL_ID);
    const answeredIds = new Set(created.map((payment) => payment.id));
    expect(listed.filter((payment) => answeredIds.has(payment.id))).toHaveLength(created.length);
  }, 60_000);
});
