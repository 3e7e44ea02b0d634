import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankTokenSet } from '#bank/authorization';
import type { NordeaClient } from '#bank/client';
import { SlidingWindowPacer } from '#bank/pacing';
import type { FetchFunction } from '#bank/transport';
import {
  admin,
  type BankTarget,
  busiestWindow,
  clientFor,
  connectSaver,
  SAVER,
  simulatorTarget,
} from './bank-support.ts';

/**
 * A 429 storm: far more concurrent reads than Nordea's per-app limit (Personal AIS 20/s) allows, from one
 * client. The client must pace itself (and its retries) so that the gateway never refuses it for the
 * limit, and every read must eventually succeed.
 */

const AIS_LIMIT_PER_SECOND = 20;

interface Attempt {
  at: number;
  status: number;
  /** The gateway's own limiter answers 429 without a remaining allowance; injected 429s carry one. */
  refusedByLimiter: boolean;
}

function recordingFetch(attempts: Attempt[]): FetchFunction {
  return async (input, init) => {
    const at = performance.now();
    const response = await globalThis.fetch(input, init);
    attempts.push({
      at,
      status: response.status,
      refusedByLimiter: response.status === 429 && !response.headers.has('x-ratelimit-remaining'),
    });
    return response;
  };
}

describe('a 429 storm against the simulator’s default 20 AIS calls/s', () => {
  let target: BankTarget;
  // One app, one limit: both storms go through the same pacer, as one process of the app would.
  const pacer = new SlidingWindowPacer({ ais: AIS_LIMIT_PER_SECOND, pis: 100 });

  beforeAll(async () => {
    // Default rate limits; saver-present reads, so the PSD2 unattended budget plays no part.
    target = await simulatorTarget();
  });
  afterAll(() => target?.close());

  async function firstAccountId(client: NordeaClient, tokens: BankTokenSet): Promise<string> {
    const [account] = await client.listAccounts(tokens.accessToken, SAVER);
    if (account === undefined) throw new Error('the consent has no account');
    return account.id;
  }

  /** `reads` concurrent account reads; each outcome is 'ok' or the error it ended with. */
  async function storm(
    client: NordeaClient,
    tokens: BankTokenSet,
    accountId: string,
    reads: number,
  ): Promise<unknown[]> {
    const outcomes = await Promise.allSettled(
      Array.from({ length: reads }, (_, index) =>
        index % 2 === 0
          ? client.listAccounts(tokens.accessToken, SAVER)
          : client.getAccount(tokens.accessToken, accountId, SAVER),
      ),
    );
    return outcomes.map((outcome) => (outcome.status === 'fulfilled' ? 'ok' : outcome.reason));
  }

  it('paces 80 concurrent reads under the limit: all succeed and the gateway refuses none', async () => {
    const attempts: Attempt[] = [];
    const client = clientFor(target, {}, { fetch: recordingFetch(attempts), pacer });
    const tokens = await connectSaver(client);
    const accountId = await firstAccountId(client, tokens);

    const outcomes = await storm(client, tokens, accountId, 80);

    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    expect(attempts.filter((attempt) => attempt.refusedByLimiter)).toEqual([]);
    expect(
      busiestWindow(
        attempts.map((attempt) => attempt.at),
        1_000,
      ),
    ).toBeLessThanOrEqual(AIS_LIMIT_PER_SECOND);
  });

  it('keeps under the limit when the first calls reach the gateway late (cold connections)', async () => {
    const attempts: Attempt[] = [];
    const recording = recordingFetch(attempts);
    let coldCalls = 0;
    // The storm's first second of calls spends 400 ms in transit; later ones arrive at once (warm connections).
    const slowStart: FetchFunction = async (input, init) => {
      if (coldCalls > 0) {
        coldCalls -= 1;
        await sleep(400);
      }
      return recording(input, init);
    };
    const client = clientFor(target, {}, { fetch: slowStart, pacer });
    const tokens = await connectSaver(client);
    const accountId = await firstAccountId(client, tokens);
    coldCalls = AIS_LIMIT_PER_SECOND;

    const outcomes = await storm(client, tokens, accountId, 2 * AIS_LIMIT_PER_SECOND);

    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    expect(attempts.filter((attempt) => attempt.refusedByLimiter)).toEqual([]);
  });

  it('rides out a burst of injected 429s mid-storm, its retries paced within the same limit', async () => {
    const attempts: Attempt[] = [];
    const client = clientFor(target, {}, { fetch: recordingFetch(attempts), pacer });
    const tokens = await connectSaver(client);
    const accountId = await firstAccountId(client, tokens);
    if (target.simulator === undefined) throw new Error('this test needs the simulator');
    await admin(target.simulator, 'POST', 'faults', {
      type: '429',
      method: 'GET',
      path: '/accounts',
      times: 15,
      retry_after_seconds: 1,
    });

    const outcomes = await storm(client, tokens, accountId, 60);

    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    const injected = attempts.filter((attempt) => attempt.status === 429 && !attempt.refusedByLimiter);
    expect(injected).toHaveLength(15);
    expect(attempts.filter((attempt) => attempt.refusedByLimiter)).toEqual([]);
    // Every read that met a 429 was sent again: 2 connect calls, 1 account list, 60 reads, 15 retries.
    expect(attempts).toHaveLength(2 + 1 + 60 + 15);
    expect(
      busiestWindow(
        attempts.map((attempt) => attempt.at),
        1_000,
      ),
    ).toBeLessThanOrEqual(AIS_LIMIT_PER_SECOND);
  });
});
