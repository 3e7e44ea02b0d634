import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, test } from 'vitest';
import { automation } from '#app/automation-wiring';
import { CLAIM_MS, type ExecuteOutcome, STRANDED_PLANNED_MS } from '#app/transfers';
import { type ConfirmOptions, NordeaClient } from '#bank/client';
import type { NordeaConfig } from '#bank/config';
import type { BankPayment, DomesticPaymentRequest, PaymentConfirmation } from '#bank/payments';
import type { CallOptions, FetchFunction } from '#bank/transport';
import type { AutomationStore, StoredTransfer, TransferPatch } from '#store/automation-records';
import {
  bankToday,
  expectTransferInvariants,
  type LinkedSaver,
  linkedSaver,
  paymentsFor,
  purchase,
  simulatorAdmin,
} from '#test/support/automation';
import { withTestSystem } from '#test/support/local-system';

/**
 * Transfer-side fault injection (security-and-money-safety §4.3, FI-03…FI-15, and MM-09): the whole
 * local system runs in-process, the simulator injects the bank's faults, and `automation(overrides)`
 * lets a test crash the store between steps, hold or drop queue messages, move the clock and skip the
 * waits. Every test ends once the faults have stopped with the invariants of §4.3.
 */

const local = withTestSystem();
const admin = () => simulatorAdmin(local);

const CREATE_PATH = '/v5/payments/domestic-credit-transfers';

afterEach(async () => {
  // Faults stop and the bank's clock comes back to the wall clock, whatever the test did.
  await admin()('DELETE', '/faults');
  await admin()('POST', '/clock', { set: new Date().toISOString() });
});

interface Message {
  saverId: string;
  transferId: string;
}

interface RigOptions {
  /** Wraps the real store (crashes, throttling). */
  store?: (store: AutomationStore) => AutomationStore;
  /** `X-Response-Scenarios` sent with every create and confirm while set. */
  scenarios?: string[];
  /** Changes the payment request before it is signed and sent. */
  alterCreate?: (request: DomesticPaymentRequest) => DomesticPaymentRequest;
  /** Answers a payment creation in place of the bank (nothing reaches it); undefined sends it on. */
  answerCreate?: (externalId: string) => Response | undefined;
  /** Drops 429 answers' Retry-After header, as a gateway that sends none would. */
  stripRetryAfter?: boolean;
  /** What the transfer executor's wait does besides being recorded; instant by default. */
  onSleep?: (milliseconds: number) => Promise<void>;
}

/** The automation with a queue the test delivers by hand, a movable clock and a counting bank client. */
function rig(options: RigOptions = {}) {
  const queue: Message[] = [];
  let dropping = false;
  let offsetMs = 0;
  const scenarios = { current: options.scenarios ?? [] };
  const seen = { creates: [] as string[], refreshes: 0, sleeps: [] as number[] };

  const fetch: FetchFunction = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    if (method === 'POST' && url.pathname.endsWith(CREATE_PATH)) {
      const body = JSON.parse(Buffer.from(init?.body as Uint8Array).toString('utf8')) as {
        external_id: string;
      };
      seen.creates.push(body.external_id);
      const answer = options.answerCreate?.(body.external_id);
      if (answer) return answer;
    }
    if (method === 'POST' && url.pathname.endsWith('/authorize/token')) seen.refreshes += 1;
    const response = await globalThis.fetch(input, init);
    if (options.stripRetryAfter && response.status === 429) {
      const headers = new Headers(response.headers);
      headers.delete('retry-after');
      return new Response(await response.text(), { status: 429, headers });
    }
    return response;
  };

  class FaultClient extends NordeaClient {
    override createDomesticPayment(
      accessToken: string,
      request: DomesticPaymentRequest,
      callOptions: CallOptions,
    ): Promise<BankPayment> {
      return super.createDomesticPayment(accessToken, options.alterCreate?.(request) ?? request, {
        ...callOptions,
        sandboxScenarios: scenarios.current,
      });
    }
    override confirmPayments(
      accessToken: string,
      paymentIds: readonly string[],
      callOptions: ConfirmOptions,
    ): Promise<PaymentConfirmation> {
      return super.confirmPayments(accessToken, paymentIds, {
        ...callOptions,
        sandboxScenarios: scenarios.current,
      });
    }
  }
  let client: NordeaClient | undefined;
  const clientFor = (base: NordeaClient): NordeaClient => {
    client ??= new FaultClient(base.config as NordeaConfig, { fetch, sleep: async () => undefined });
    return client;
  };

  const wiring = automation({
    ...(options.store ? { store: options.store } : {}),
    client: clientFor,
    now: () => new Date(Date.now() + offsetMs),
    sleep: async (milliseconds) => {
      seen.sleeps.push(milliseconds);
      await options.onSleep?.(milliseconds);
    },
    executeLater: async (saverId, transferId) => {
      if (!dropping) queue.push({ saverId, transferId });
    },
  });

  return {
    ...wiring,
    queue,
    seen,
    scenarios,
    /** Our clock (not the bank's) moves on by this much. */
    advance(milliseconds: number) {
      offsetMs += milliseconds;
    },
    /** Messages to the executor are lost (a crash after planning) while set. */
    dropMessages(drop: boolean) {
      dropping = drop;
    },
    /** Delivers the queued execute messages of this saver, one at a time, as the worker would. */
    async drain(saverId: string): Promise<ExecuteOutcome[]> {
      const outcomes: ExecuteOutcome[] = [];
      for (let delivered = 0; delivered < 20; delivered += 1) {
        const index = queue.findIndex((message) => message.saverId === saverId);
        if (index < 0) break;
        const [message] = queue.splice(index, 1);
        if (message) outcomes.push(await wiring.transfers.execute(message.saverId, message.transferId));
      }
      return outcomes;
    },
  };
}
type Rig = ReturnType<typeof rig>;

/** A store whose methods the test replaces; everything else goes to the real one. */
function storeWith(overrides: (real: AutomationStore) => Partial<AutomationStore>) {
  return (real: AutomationStore): AutomationStore => {
    const replaced = overrides(real);
    return new Proxy(real, {
      get(target, property, receiver) {
        if (property in replaced) return replaced[property as keyof AutomationStore];
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
}

interface Scene {
  saver: LinkedSaver;
  /** The booked purchases that must each give exactly one savings entry. */
  eligible: string[];
  /** The reserved purchase, which must give none. */
  ineligible: string[];
}

/** A linked saver with two booked card purchases (round-ups 2.50 + 8.00) and one reserved. */
async function scene(): Promise<Scene> {
  const saver = await linkedSaver(local);
  // The generated customer's spending account may be nearly empty: a salary first, so the balance
  // floor never decides these tests.
  const salary = await admin()<{ transaction_id: string }>(
    'POST',
    `/accounts/${encodeURIComponent(saver.sourceAccountId)}/transactions`,
    {
      amount: '25000.00',
      currency: 'DKK',
      status: 'billed',
      counterparty_name: 'Løn',
      booking_date: bankToday(),
    },
  );
  const first = await purchase(local, saver.sourceAccountId, '47.50');
  const second = await purchase(local, saver.sourceAccountId, '12.00', { counterparty: 'Lagkagehuset' });
  const reserved = await purchase(local, saver.sourceAccountId, '30.00', {
    status: 'reserved',
    counterparty: 'Shell',
  });
  return {
    saver,
    eligible: [first.transaction_id, second.transaction_id],
    ineligible: [reserved.transaction_id, salary.transaction_id],
  };
}

/** Syncs the saver with this rig; the planned transfer's message waits in the rig's queue. */
async function plan(r: Rig, saverId: string): Promise<string> {
  const summary = await r.sync.syncSaver(saverId);
  expect(summary.outcome).toBe('synced');
  expect(summary.transferPlanned).not.toBeNull();
  return summary.transferPlanned as string;
}

async function transferOf(r: Rig, saverId: string, transferId: string): Promise<StoredTransfer> {
  const transfer = await r.store.getTransfer(saverId, transferId);
  if (!transfer) throw new Error(`no transfer ${transferId}`);
  return transfer;
}

async function entryStatuses(r: Rig, saverId: string, transfer: StoredTransfer): Promise<string[]> {
  return (await r.store.getEntries(saverId, transfer.entryRefs)).map((entry) => entry.status);
}

async function createRequests(externalId: string): Promise<number> {
  const { create_requests_by_external_id: counts } = await admin()<{
    create_requests_by_external_id: Record<string, number>;
  }>('GET', '/payments');
  return counts[externalId] ?? 0;
}

async function notificationIds(r: Rig, saverId: string): Promise<string[]> {
  return (await r.store.listNotifications(saverId, { limit: 100 })).items.map((item) => item.id);
}

const finish = (s: Scene) =>
  expectTransferInvariants(local, s.saver.saverId, { eligible: s.eligible, ineligible: s.ineligible });

describe('transfer-side faults (§4.3)', () => {
  test('FI-03 a transfer stranded in planned by a crash is re-queued by the reconciler and paid exactly once', async () => {
    const s = await scene();
    const r = rig();
    r.dropMessages(true); // the process dies right after planning: the executor never hears of it
    const transferId = await plan(r, s.saver.saverId);
    r.dropMessages(false);
    expect(r.queue).toEqual([]);
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('planned');

    // A reconciler tick before the stranded limit leaves it alone (the executor may just be slow).
    await r.schedules.reconcileTransfers();
    expect(r.queue).toEqual([]);

    r.advance(STRANDED_PLANNED_MS + 60_000);
    await r.schedules.reconcileTransfers();
    expect(r.queue).toEqual([{ saverId: s.saver.saverId, transferId }]);
    // The message may arrive twice (at-least-once delivery): the claim lets one through.
    r.queue.push({ saverId: s.saver.saverId, transferId });
    expect(await r.drain(s.saver.saverId)).toEqual(['paid', 'not-planned']);

    expect(r.seen.creates).toEqual([transferId]);
    expect(await paymentsFor(local, transferId)).toHaveLength(1);
    const end = await finish(s);
    expect(end.goalSavedMinor).toBe(1050);
  });

  test('FI-04 a crash after the submitting claim, before the bank POST, is re-planned once the claim expires and sent once', async () => {
    const s = await scene();
    let crash = true;
    const r = rig({
      store: storeWith((real) => ({
        async transitionTransfer(saverId, transferId, expected, patch: TransferPatch, at) {
          const moved = await real.transitionTransfer(saverId, transferId, expected, patch, at);
          if (moved && patch.status === 'submitting' && crash) {
            crash = false;
            throw new Error('the executor died right after its claim');
          }
          return moved;
        },
      })),
    });
    const transferId = await plan(r, s.saver.saverId);
    await expect(r.drain(s.saver.saverId)).rejects.toThrow('died right after its claim');
    const claimed = await transferOf(r, s.saver.saverId, transferId);
    expect(claimed.status).toBe('submitting');
    expect(r.seen.creates).toEqual([]);

    // While the claim lasts the owner may still be sending: the reconciler keeps out.
    await r.schedules.reconcileTransfers();
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('submitting');

    r.advance(CLAIM_MS + 1_000);
    const { byStatus } = await r.schedules.reconcileTransfers();
    expect(byStatus.planned).toBeGreaterThanOrEqual(1); // unknown → the bank has no such payment → planned
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('planned');
    expect(await r.drain(s.saver.saverId)).toEqual(['paid']);

    expect(r.seen.creates).toEqual([transferId]);
    expect(await createRequests(transferId)).toBe(1);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-05 a payment committed at the bank whose answer was lost is found by external_id, never sent twice', async () => {
    const s = await scene();
    const r = rig();
    const transferId = await plan(r, s.saver.saverId);
    await admin()('POST', '/faults', {
      type: 'commit-then-drop',
      method: 'POST',
      path: CREATE_PATH,
      times: 1,
    });
    expect(await r.drain(s.saver.saverId)).toEqual(['unknown']);
    const [payment] = await paymentsFor(local, transferId);
    expect(payment).toMatchObject({ payment_status: 'PendingConfirmation', create_requests: 1 });

    // The reconciler finds it by external_id, adopts it, confirms it: no second POST.
    expect(await r.transfers.reconcile(s.saver.saverId, transferId)).toBe('paid');
    const paid = await transferOf(r, s.saver.saverId, transferId);
    expect(paid.bankPaymentId).toBe(payment?._id);
    expect(r.queue).toEqual([]);
    expect(r.seen.creates).toEqual([transferId]);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-06 a 5xx from a bank that created the payment anyway is reconciled like a lost answer', async () => {
    const s = await scene();
    const r = rig();
    const transferId = await plan(r, s.saver.saverId);
    await admin()('POST', '/faults', {
      type: 'commit-then-status',
      status: 503,
      method: 'POST',
      path: CREATE_PATH,
      times: 1,
    });
    expect(await r.drain(s.saver.saverId)).toEqual(['unknown']);
    expect(await paymentsFor(local, transferId)).toHaveLength(1);

    await r.schedules.reconcileTransfers();
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('paid');
    expect(r.queue).toEqual([]);
    expect(r.seen.creates).toEqual([transferId]);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-07 a 429 on payment creation is retried after the Retry-After wait, never as a second payment', async () => {
    const s = await scene();
    const r = rig();
    const transferId = await plan(r, s.saver.saverId);
    await admin()('POST', '/faults', {
      type: '429',
      retry_after_seconds: 2,
      method: 'POST',
      path: CREATE_PATH,
      times: 2,
    });
    expect(await r.drain(s.saver.saverId)).toEqual(['paid']);
    expect(r.seen.sleeps).toHaveLength(2);
    for (const wait of r.seen.sleeps) expect(wait).toBeGreaterThanOrEqual(2_000);
    expect(r.seen.creates).toEqual([transferId, transferId, transferId]);
    // The gateway refused the first two before they reached the bank.
    expect(await createRequests(transferId)).toBe(1);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-07 a 429 without Retry-After backs off with growing, jittered waits', async () => {
    const s = await scene();
    const r = rig({ stripRetryAfter: true });
    const transferId = await plan(r, s.saver.saverId);
    await admin()('POST', '/faults', { type: '429', method: 'POST', path: CREATE_PATH, times: 2 });
    expect(await r.drain(s.saver.saverId)).toEqual(['paid']);
    const [first = 0, second = 0] = r.seen.sleeps;
    expect(r.seen.sleeps).toHaveLength(2);
    expect(first).toBeGreaterThanOrEqual(1_000);
    expect(second).toBeGreaterThan(first);
    expect(second).toBeGreaterThanOrEqual(2_000);
    expect(r.seen.creates).toHaveLength(3);
    expect(await createRequests(transferId)).toBe(1);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-07 a 429 storm longer than the retries leaves the transfer unknown; the reconciler proves absence and it is paid once', async () => {
    const s = await scene();
    const r = rig();
    const transferId = await plan(r, s.saver.saverId);
    await admin()('POST', '/faults', {
      type: '429',
      retry_after_seconds: 1,
      method: 'POST',
      path: CREATE_PATH,
      times: 50,
    });
    expect(await r.drain(s.saver.saverId)).toEqual(['unknown']);
    const stormPosts = r.seen.creates.length;
    expect(stormPosts).toBeGreaterThan(1);
    expect(await paymentsFor(local, transferId)).toEqual([]);

    await admin()('DELETE', '/faults'); // the storm is over
    await r.schedules.reconcileTransfers();
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('planned');
    expect(await r.drain(s.saver.saverId)).toEqual(['paid']);
    expect(r.seen.creates).toHaveLength(stormPosts + 1);
    expect(await createRequests(transferId)).toBe(1);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-07 a sender paused past its claim during a 429 wait never sends after the reconciler took over (MM-07)', async () => {
    const s = await scene();
    let saverId = '';
    // While the first sender waits out the 429 it is paused far longer than asked (a frozen or
    // starved worker): its claim runs out, the reconciler takes over and another worker sends.
    const r: Rig = rig({
      onSleep: async () => {
        r.advance(CLAIM_MS + 60_000);
        await r.schedules.reconcileTransfers();
        await r.drain(saverId);
      },
    });
    saverId = s.saver.saverId;
    const transferId = await plan(r, saverId);
    await admin()('POST', '/faults', {
      type: '429',
      retry_after_seconds: 1,
      method: 'POST',
      path: CREATE_PATH,
      times: 1,
    });
    expect(await r.drain(saverId)).toEqual(['lost-claim']);
    expect((await transferOf(r, saverId, transferId)).status).toBe('paid');
    expect(await paymentsFor(local, transferId)).toHaveLength(1);
    expect(r.seen.creates).toEqual([transferId, transferId]);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-13 throttling on the claim and 20 concurrent executors for one transfer give exactly one POST (MM-07)', async () => {
    const s = await scene();
    let throttles = 1;
    const r = rig({
      store: storeWith((real) => ({
        async transitionTransfer(saverId, transferId, expected, patch: TransferPatch, at) {
          if (patch.status === 'submitting' && throttles > 0) {
            throttles -= 1;
            throw new ProvisionedThroughputExceededException({
              message: 'The level of configured provisioned throughput for the table was exceeded.',
              $metadata: {},
            });
          }
          return real.transitionTransfer(saverId, transferId, expected, patch, at);
        },
      })),
    });
    const transferId = await plan(r, s.saver.saverId);
    r.queue.length = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => r.transfers.execute(s.saver.saverId, transferId)),
    );
    const rejected = results.filter((result) => result.status === 'rejected');
    const outcomes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(outcomes.filter((outcome) => outcome === 'paid')).toHaveLength(1);
    expect(
      outcomes.filter((outcome) => outcome !== 'paid').every((outcome) => outcome === 'lost-claim'),
    ).toBe(true);
    // The throttled message is delivered again: the transfer is no longer planned.
    expect(await r.transfers.execute(s.saver.saverId, transferId)).toBe('not-planned');

    expect(r.seen.creates).toEqual([transferId]);
    expect(await createRequests(transferId)).toBe(1);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-13 throttling on the write that records the bank accepted the payment leaves it unknown, reconciled without a second POST', async () => {
    const s = await scene();
    let throttles = 1;
    const r = rig({
      store: storeWith((real) => ({
        async transitionTransfer(saverId, transferId, expected, patch: TransferPatch, at) {
          if (patch.status === 'submitted' && throttles > 0) {
            throttles -= 1;
            throw new ProvisionedThroughputExceededException({
              message: 'Throughput exceeded',
              $metadata: {},
            });
          }
          return real.transitionTransfer(saverId, transferId, expected, patch, at);
        },
      })),
    });
    const transferId = await plan(r, s.saver.saverId);
    await expect(r.drain(s.saver.saverId)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('unknown');
    expect(await paymentsFor(local, transferId)).toHaveLength(1);

    await r.schedules.reconcileTransfers();
    expect((await transferOf(r, s.saver.saverId, transferId)).status).toBe('paid');
    expect(r.queue).toEqual([]);
    expect(r.seen.creates).toEqual([transferId]);
    expect((await finish(s)).goalSavedMinor).toBe(1050);
  });

  test('FI-14 an execute message and a sync message replayed hours after the transfer was paid send nothing', async () => {
    const s = await scene();
    const r = rig();
    const transferId = await plan(r, s.saver.saverId);
    expect(await r.drain(s.saver.saverId)).toEqual(['paid']);
    expect(r.seen.creates).toHaveLength(1);

    // Three hours later, on both clocks, the old messages come again (an idempotency record long gone).
    r.advance(3 * 60 * 60 * 1000);
    await admin()('POST', '/clock', { advance_hours: 3 });
    expect(await r.transfers.execute(s.saver.saverId, transferId)).toBe('not-planned');
    const replay = await r.sync.syncSaver(s.saver.saverId);
    expect(replay).toMatchObject({ outcome: 'synced', entriesCreated: 0, transferPlanned: null });
    expect(await r.drain(s.saver.saverId)).toEqual([]);
    await r.schedules.reconcileTransfers();

    expect(r.seen.creates).toEqual([transferId]);
    expect(await createRequests(transferId)).toBe(1);
    const end = await finish(s);
    expect(end.transfers).toHaveLength(1);
    expect(end.goalSavedMinor).toBe(1050);
  });

  test('FI-15 a payment that needs SCA and is never signed expires at the bank deadline and is not resubmitted', async () => {
    const s = await scene();
    const r = rig({ scenarios: ['PaymentSigningRequired'] });
    const transferId = await plan(r, s.saver.saverId);
    expect(await r.drain(s.saver.saverId)).toEqual(['awaiting_confirmation']);
    const waiting = await transferOf(r, s.saver.saverId, transferId);
    expect(waiting.signingUrl).toMatch(/\/__signing\//);
    expect(waiting.confirmBy).not.toBeNull();
    const [notice] = (await r.store.listNotifications(s.saver.saverId, { limit: 100 })).items.filter(
      (item) => item.id === `transfer-needs-confirmation:${transferId}`,
    );
    expect(notice?.link).toBe(waiting.signingUrl);
    // Stored as pending: the open transfer's entry list is what claims them (shown as transferring).
    expect(await entryStatuses(r, s.saver.saverId, waiting)).toEqual(['pending', 'pending']);

    // Within the signing window the reconciler only looks.
    expect(await r.transfers.reconcile(s.saver.saverId, transferId)).toBe('awaiting_confirmation');

    // Nobody signs; the bank's signing window (900 simulated seconds) passes.
    await admin()('POST', '/clock', { advance_seconds: 901 });
    await r.schedules.reconcileTransfers();
    const expired = await transferOf(r, s.saver.saverId, transferId);
    expect(expired.status).toBe('expired');
    expect(await entryStatuses(r, s.saver.saverId, expired)).toEqual(['failed', 'failed']);
    expect(await notificationIds(r, s.saver.saverId)).toContain(`transfer-failed:${transferId}`);

    // The stale amount is never sent again: neither the next sync nor the reconciler plans it anew.
    r.scenarios.current = [];
    expect(await r.sync.syncSaver(s.saver.saverId)).toMatchObject({
      outcome: 'synced',
      transferPlanned: null,
    });
    await r.schedules.reconcileTransfers();
    expect(await r.drain(s.saver.saverId)).toEqual([]);
    expect(r.seen.creates).toEqual([transferId]);
    const end = await finish(s);
    expect(end.transfers).toHaveLength(1);
    expect(end.goalSavedMinor).toBe(0);
  });
});

interface ErrorClassRow {
  name: string;
  options?: RigOptions;
  /** Injects the fault once the transfer is planned. */
  arrange?: () => Promise<void>;
  /** The transfer's state right after the executor ran. */
  next: StoredTransfer['status'];
  /** POSTs our client sent, and create requests the bank counted (after its gateway), in that run. */
  posts: number;
  arrived: number;
  refreshes?: number;
  /** The transfer's entries after that run. */
  entries: string;
  /** What happens after the fault stopped: nothing, the reconciler, or the next sync with a new transfer. */
  afterwards: 'nothing' | 'reconcile' | 'new-transfer';
  /** The money saved in the end. */
  savedMinor: number;
}

const once = (answer: () => Response) => {
  let used = false;
  return (): Response | undefined => {
    if (used) return undefined;
    used = true;
    return answer();
  };
};

const nordeaError = (status: number, code: string, description: string) =>
  new Response(
    JSON.stringify({
      group_header: {
        message_identification: 'test',
        creation_date_time: new Date().toISOString(),
        http_code: status,
      },
      error: { request: { url: CREATE_PATH }, failures: [{ code, description }] },
    }),
    { status, headers: { 'content-type': 'application/json' } },
  );

const errorClasses: ErrorClassRow[] = [
  {
    name: '429 rate limited → retried after the wait, paid',
    arrange: () =>
      admin()('POST', '/faults', {
        type: '429',
        retry_after_seconds: 1,
        method: 'POST',
        path: CREATE_PATH,
        times: 1,
      }),
    next: 'paid',
    posts: 2,
    arrived: 1,
    entries: 'saved',
    afterwards: 'nothing',
    savedMinor: 1050,
  },
  {
    name: '401 expired access token → one refresh, then the same request again, paid',
    // The bank's answer to a token it has expired; the simulator would count a refused create on
    // arrival, so the test answers this one itself and nothing reaches the bank.
    options: {
      answerCreate: once(() => nordeaError(401, 'error.token.expired', 'Access token has expired.')),
    },
    next: 'paid',
    posts: 2,
    arrived: 1,
    refreshes: 1,
    entries: 'saved',
    afterwards: 'nothing',
    savedMinor: 1050,
  },
  {
    name: '400 validation → rejected, entries failed, nothing resent',
    // Creditor and debtor the same account: the bank refuses the request as invalid.
    options: { alterCreate: (request) => ({ ...request, creditor: { account: request.debtor.account } }) },
    next: 'rejected',
    posts: 1,
    arrived: 1,
    entries: 'failed',
    afterwards: 'nothing',
    savedMinor: 0,
  },
  {
    name: 'insufficient funds at confirmation (AM04) → rejected, entries pending again, paid in a new transfer',
    options: { scenarios: ['PaymentMissingFunds'] },
    next: 'rejected',
    posts: 1,
    arrived: 1,
    entries: 'pending',
    afterwards: 'new-transfer',
    savedMinor: 1050,
  },
  {
    name: 'insufficient funds refused on create (4xx AM04) → rejected, entries pending again, paid in a new transfer',
    options: {
      answerCreate: once(() => nordeaError(400, 'AM04', 'Amount of funds available is insufficient.')),
    },
    next: 'rejected',
    posts: 1,
    arrived: 0,
    entries: 'pending',
    afterwards: 'new-transfer',
    savedMinor: 1050,
  },
  {
    name: '5xx → unknown, reconciled: absent at the bank, planned again, paid',
    arrange: () => admin()('POST', '/faults', { type: '5xx', method: 'POST', path: CREATE_PATH, times: 1 }),
    next: 'unknown',
    posts: 1,
    arrived: 0,
    entries: 'pending', // still claimed by the unknown transfer's entry list
    afterwards: 'reconcile',
    savedMinor: 1050,
  },
];

describe('MM-09 bank error classes on payment creation', () => {
  test.each(errorClasses)('MM-09 $name', async (row) => {
    const s = await scene();
    const r = rig(row.options);
    const saverId = s.saver.saverId;
    const transferId = await plan(r, saverId);
    await row.arrange?.();
    expect(await r.drain(saverId)).toEqual([row.next]);
    const after = await transferOf(r, saverId, transferId);
    expect(after.status).toBe(row.next);
    expect(r.seen.creates).toHaveLength(row.posts);
    expect(await createRequests(transferId)).toBe(row.arrived);
    if (row.refreshes !== undefined) expect(r.seen.refreshes).toBe(row.refreshes);
    expect(await entryStatuses(r, saverId, after)).toEqual([row.entries, row.entries]);
    if (row.next === 'rejected') {
      expect(await notificationIds(r, saverId)).toContain(`transfer-failed:${transferId}`);
    }

    // The fault stops.
    await admin()('DELETE', '/faults');
    r.scenarios.current = [];
    if (row.afterwards === 'reconcile') {
      await r.schedules.reconcileTransfers();
      expect(await r.drain(saverId)).toEqual(['paid']);
      expect(await createRequests(transferId)).toBe(1);
    }
    if (row.afterwards === 'new-transfer') {
      const retry = await plan(r, saverId);
      expect(retry).not.toBe(transferId);
      expect(await r.drain(saverId)).toEqual(['paid']);
    }
    const end = await finish(s);
    expect(end.goalSavedMinor).toBe(row.savedMinor);
    expect(end.transfers).toHaveLength(row.afterwards === 'new-transfer' ? 2 : 1);
  });
});
