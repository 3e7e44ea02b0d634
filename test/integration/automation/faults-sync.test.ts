import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { automation } from '#app/automation-wiring';
import { LEASE_MS, type SyncMode } from '#app/sync';
import { nordea, secretVault } from '#app/wiring';
import type { BankTokenSet } from '#bank/authorization';
import { NordeaClient } from '#bank/client';
import { BankRateLimitedError, BankResponseError, BankTimeoutError } from '#bank/errors';
import { SlidingWindowPacer } from '#bank/pacing';
import { saverPresent, UNATTENDED } from '#bank/transport';
import { config } from '#config/env';
import { addDays, isoWeekday, type LocalDate, localDateOf } from '#domain/calendar';
import { RuleSchema } from '#domain/rules';
import type { AutomationStore } from '#store/automation-records';
import { dynamoDocumentClient } from '#store/client';
import { SaverItems } from '#store/saver-items';
import {
  bankToday,
  expectMoneyInvariants,
  type LinkedSaver,
  linkedSaver,
  paymentsFor,
  purchase,
  runJob,
  simulatorAdmin,
} from '#test/support/automation';
import { withTestSystem } from '#test/support/local-system';

/**
 * The sync-side fault scenarios of security-and-money-safety §4.3 (FI-01, 02, 07–12, 16–18), run
 * against the whole local system: the simulator injects the bank's faults, wrapped stores and clients
 * inject our own crashes. Every test uses a fresh saver, so PSD2's four unattended reads a day are its
 * own, and ends with the money invariants (expectMoneyInvariants).
 */

const local = withTestSystem();
const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> =>
  simulatorAdmin(local)<T>(method, path, body);

afterEach(async () => {
  vi.restoreAllMocks();
  await admin('DELETE', '/faults');
});

const EVER = '1970-01-01';
const store = () => automation().store;
const entriesOf = (saverId: string) => store().entriesSince(saverId, EVER);
const transactionsOf = (saverId: string) => store().transactionsSince(saverId, EVER);
async function syncStateOf(saverId: string) {
  const state = await store().syncState(saverId);
  if (!state) throw new Error(`saver ${saverId} has no bank connection`);
  return state;
}

/** A saver who is at the app right now: reads that do not count against the unattended budget. */
const PRESENT: SyncMode = { kind: 'saver-present', context: saverPresent('198.51.100.7', 'vitest') };

/**
 * A linked saver whose spending account has money: the simulator's generated customers are sometimes
 * overdrawn, and a balance-floor skip would hide what a test is about.
 */
async function fundedSaver(amount = '20000.00'): Promise<LinkedSaver> {
  const saver = await linkedSaver(local);
  await admin('POST', `/accounts/${encodeURIComponent(saver.sourceAccountId)}/transactions`, {
    amount,
    currency: 'DKK',
    status: 'billed',
    counterparty_name: 'Arbejdsgiver A/S',
    type_description: 'Løn',
    booking_date: bankToday(),
  });
  return saver;
}

/** Card purchases booked today; returns their bank ids. */
async function purchases(saver: LinkedSaver, amounts: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const amount of amounts)
    ids.push((await purchase(local, saver.sourceAccountId, amount)).transaction_id);
  return ids;
}

/** Replaces one method of an object, keeping every other one bound to the original. */
function intercept<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

// --- a Nordea client that records what it sends ----------------------------------------------------

/** One pacer for every probe client, under the simulator's 20 AIS calls a second. */
const pacer = new SlidingWindowPacer({ ais: 15, pis: 80 });

interface BankProbe {
  client: NordeaClient;
  /** Every request the app sent, as `METHOD /path` (without `/personal` and the query). */
  calls: string[];
  /** Every back-off the client asked for; nothing is really slept. */
  sleeps: number[];
  refreshes(): number;
}

/**
 * A Nordea client as production builds it (same credentials and signing) that logs each request and
 * does not really sleep between retries. `answer` may rewrite a response before the client reads it:
 * the faults the simulator cannot make (a missing header, a body beyond its admin API's limit).
 */
async function bankProbe(
  options: {
    timeoutMs?: number;
    maxReadAttempts?: number;
    answer?: (call: string, response: Response) => Promise<Response>;
  } = {},
): Promise<BankProbe> {
  const base = await nordea();
  const calls: string[] = [];
  const sleeps: number[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.body instanceof Uint8Array ? Buffer.from(init.body).toString('utf8') : '';
    const call = `${init?.method ?? 'GET'} ${url.pathname.replace(/^\/personal/, '')}${
      body.includes('grant_type=refresh_token') ? ' (refresh)' : ''
    }`;
    calls.push(call);
    const response = await globalThis.fetch(input, init);
    return options.answer ? options.answer(call, response) : response;
  };
  const client = new NordeaClient(
    {
      ...base.config,
      timeoutMs: options.timeoutMs ?? base.config.timeoutMs,
      maxReadAttempts: options.maxReadAttempts ?? base.config.maxReadAttempts,
    },
    {
      fetch,
      pacer,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
      },
    },
  );
  return {
    client,
    calls,
    sleeps,
    refreshes: () => calls.filter((call) => call.endsWith('(refresh)')).length,
  };
}

/** Runs `before` just before the client asks for transaction page `pageNumber` (once). */
function beforePage(client: NordeaClient, pageNumber: number, before: () => Promise<void>): NordeaClient {
  let armed = true;
  return intercept(client, {
    async *transactionPages(...args: Parameters<NordeaClient['transactionPages']>) {
      const pages = client.transactionPages(...args);
      try {
        for (let number = 1; ; number += 1) {
          if (armed && number === pageNumber) {
            armed = false;
            await before();
          }
          const next = await pages.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await pages.return();
      }
    },
  });
}

const isTransactionPage = (call: string) => /^GET \/v5\/accounts\/[^/]+\/transactions$/.test(call);

// --- the saver's tokens ----------------------------------------------------------------------------

async function tokensOf(saverId: string): Promise<{ secretId: string; tokens: BankTokenSet }> {
  const { tokenSecretId: secretId } = await syncStateOf(saverId);
  const stored = await secretVault().read(secretId, { fresh: true });
  if (!stored) throw new Error('no bank tokens stored');
  return { secretId, tokens: JSON.parse(stored) as BankTokenSet };
}

/** The stored access token runs out now, so the next bank call starts with a refresh. */
async function expireAccessToken(saverId: string): Promise<void> {
  const { secretId, tokens } = await tokensOf(saverId);
  await secretVault().write(secretId, JSON.stringify({ ...tokens, accessTokenExpiresAt: Date.now() - 1000 }));
}

/** The saver withdraws the consent at the bank (Nordea's revoke endpoint, with the stored token). */
async function revokeAtBank(saverId: string): Promise<void> {
  const { tokens } = await tokensOf(saverId);
  await (await nordea()).revokeToken(tokens.refreshToken, { context: UNATTENDED });
}

/** The kinds of the saver's notifications, newest first. */
async function notificationKinds(saver: LinkedSaver): Promise<string[]> {
  const listed = await local.api<{ items: { kind: string }[] }>('GET', '/api/notifications', {
    token: saver.token,
  });
  return listed.body.items.map((notification) => notification.kind);
}

async function bankStatus(saver: LinkedSaver): Promise<string> {
  const bank = await local.api<{ status: string }>('GET', '/api/bank', { token: saver.token });
  return bank.body.status;
}

let sqs: SQSClient | undefined;
afterAll(() => sqs?.destroy());
/** The same sync message delivered to the worker `times` times (SQS is at-least-once). */
async function deliverSyncMessage(saverId: string, times: number): Promise<void> {
  sqs ??= new SQSClient({});
  const queueUrl = config().SYNC_QUEUE_URL;
  for (let delivery = 0; delivery < times; delivery += 1) {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ saverId }) }));
  }
}

/** A store whose `method` throws once (a worker killed right there), when `when` says so. */
function crashingStore<M extends keyof AutomationStore>(
  method: M,
  when: (...args: Parameters<AutomationStore[M]>) => boolean,
): (store: AutomationStore) => AutomationStore {
  return (store) => {
    let crashed = false;
    const original = store[method] as (...args: Parameters<AutomationStore[M]>) => unknown;
    const replaced = (...args: Parameters<AutomationStore[M]>) => {
      if (!crashed && when(...args)) {
        crashed = true;
        return Promise.reject(new Error(`worker crashed in ${String(method)}`));
      }
      return original.apply(store, args);
    };
    return intercept(store, { [method]: replaced } as unknown as Partial<AutomationStore>);
  };
}

describe('sync-side fault injection', () => {
  test('FI-01 the same sync delivered twice, at once or one after the other, evaluates once and pays once', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50', '12.00']);

    // Two workers receive the same event at the same moment: the lease lets one of them run.
    const [first, second] = await Promise.all([
      automation().sync.syncSaver(saver.saverId),
      automation().sync.syncSaver(saver.saverId),
    ]);
    expect([first.outcome, second.outcome].sort()).toEqual(['busy', 'synced']);
    expect(first.entriesCreated + second.entriesCreated).toBe(2);

    // The same event again once the first run is done: deterministic entry ids, nothing new.
    const replay = await automation().sync.syncSaver(saver.saverId);
    expect(replay).toMatchObject({ outcome: 'synced', entriesCreated: 0, transferPlanned: null });

    // The same SQS message delivered twice to the worker.
    await deliverSyncMessage(saver.saverId, 2);
    expect(await runJob(local, 'sync-saver')).toMatchObject({ received: 2, failed: 0 });

    const { entries, transfers } = await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(entries.map((entry) => entry.amountMinor).sort((a, b) => a - b)).toEqual([250, 800]);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ status: 'paid', amountMinor: 1050 });
  });

  test('FI-02 a crash after ingest, before the watermark moves, re-reads the overlap without duplicates', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50', '12.00']);

    // Killed after every page is stored, just before the watermark would move.
    const beforeWatermark = automation({
      store: crashingStore('saveSyncProgress', (_saverId, progress) => progress.watermark !== undefined),
    });
    await expect(beforeWatermark.sync.syncSaver(saver.saverId)).rejects.toThrow('worker crashed');
    expect((await syncStateOf(saver.saverId)).watermark).toBeNull();
    const ingested = await transactionsOf(saver.saverId);
    expect(ingested.map((transaction) => transaction.id)).toEqual(expect.arrayContaining(bought));
    expect(await entriesOf(saver.saverId)).toEqual([]);

    // A purchase arrives meanwhile; the next run is killed after its entries, before planning.
    bought.push(...(await purchases(saver, ['33.30'])));
    const afterEntries = automation({
      store: crashingStore('saveSyncProgress', (_saverId, progress) => progress.calendarFrom !== undefined),
    });
    await expect(afterEntries.sync.syncSaver(saver.saverId)).rejects.toThrow('worker crashed');
    expect((await syncStateOf(saver.saverId)).watermark).toBe(bankToday());
    expect(await entriesOf(saver.saverId)).toHaveLength(3);
    expect(await store().openTransfers(saver.saverId)).toEqual([]);

    // The run after the crashes: same transactions (upserted, not added), same entries, one transfer.
    const rerun = await automation().sync.syncSaver(saver.saverId);
    expect(rerun).toMatchObject({ outcome: 'synced', entriesCreated: 0 });
    expect(rerun.transferPlanned).not.toBeNull();
    const stored = await transactionsOf(saver.saverId);
    expect(stored).toHaveLength(ingested.length + 1);
    expect(new Set(stored.map((transaction) => transaction.id)).size).toBe(stored.length);

    const { transfers } = await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ status: 'paid', amountMinor: 250 + 800 + 670 });
  });

  test('FI-07 a 429 on account and transaction reads is waited out (with or without Retry-After), then saves once', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50']);

    // The account list is refused twice with Retry-After: 3; the first transaction page twice with
    // no Retry-After at all (stripped on the way back), so only the client's own back-off applies.
    const probe = await bankProbe({
      answer: async (call, response) => {
        if (response.status !== 429 || !isTransactionPage(call)) return response;
        const headers = new Headers(response.headers);
        headers.delete('retry-after');
        return new Response(await response.text(), { status: 429, headers });
      },
    });
    await admin('POST', '/faults', {
      faults: [
        { type: '429', method: 'GET', path: '/v5/accounts', times: 2, retry_after_seconds: 3 },
        { type: '429', method: 'GET', path: '/transactions', times: 2 },
      ],
    });
    const synced = await automation({ client: () => probe.client }).sync.syncSaver(saver.saverId);
    expect(synced).toMatchObject({ outcome: 'synced', entriesCreated: 1 });
    expect(probe.calls.filter((call) => call === 'GET /v5/accounts')).toHaveLength(3);
    expect(probe.calls.filter(isTransactionPage).length).toBeGreaterThanOrEqual(3);
    expect(probe.sleeps).toHaveLength(4);
    const [afterAccounts1, afterAccounts2, afterPage1, afterPage2] = probe.sleeps as [
      number,
      number,
      number,
      number,
    ];
    expect(afterAccounts1).toBeGreaterThanOrEqual(3000);
    expect(afterAccounts2).toBeGreaterThanOrEqual(3000);
    expect(afterPage1).toBeLessThan(3000);
    expect(afterPage2).toBeLessThan(3000);

    // A Retry-After beyond the client's patience: the run gives up at once, stores nothing new, and
    // the next run (the bank calm again) saves it once.
    bought.push(...(await purchases(saver, ['12.00'])));
    await admin('POST', '/faults', {
      type: '429',
      method: 'GET',
      path: '/v5/accounts',
      retry_after_seconds: 600,
    });
    const impatient = await bankProbe();
    await expect(
      automation({ client: () => impatient.client }).sync.syncSaver(saver.saverId),
    ).rejects.toBeInstanceOf(BankRateLimitedError);
    expect(impatient.sleeps).toEqual([]);
    expect(impatient.calls).toEqual(['GET /v5/accounts']);
    expect(await entriesOf(saver.saverId)).toHaveLength(1);

    await admin('DELETE', '/faults');
    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 1,
    });
    const { entries } = await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(entries).toHaveLength(2);
  });

  test('FI-08 a timeout on page 2 of several leaves the watermark; the next run fills the gap', async () => {
    const saver = await fundedSaver();
    // 80 purchases today on top of ~90 days of history: page 1 (newest first) holds 50 of them.
    const bought = await purchases(
      saver,
      Array.from({ length: 80 }, (_, index) => `${10 + index}.25`),
    );

    const probe = await bankProbe({ timeoutMs: 400, maxReadAttempts: 2 });
    const client = beforePage(probe.client, 2, async () => {
      await admin('POST', '/faults', { type: 'timeout', method: 'GET', path: '/transactions', times: 2 });
    });
    const progress: unknown[] = [];
    const recording = automation({
      client: () => client,
      store: (inner) =>
        intercept(inner, {
          saveSyncProgress: (saverId, saved) => {
            progress.push(saved);
            return inner.saveSyncProgress(saverId, saved);
          },
        }),
    });
    await expect(recording.sync.syncSaver(saver.saverId)).rejects.toBeInstanceOf(BankTimeoutError);
    expect(probe.calls.filter(isTransactionPage)).toHaveLength(3); // page 1, then page 2 twice
    expect(progress).toEqual([]);
    expect((await syncStateOf(saver.saverId)).watermark).toBeNull();
    // Page 1 was stored before page 2 was asked for; nothing was evaluated.
    expect(await transactionsOf(saver.saverId)).toHaveLength(50);
    expect(await entriesOf(saver.saverId)).toEqual([]);

    const next = await bankProbe();
    const completed = await automation({ client: () => next.client }).sync.syncSaver(saver.saverId);
    expect(completed).toMatchObject({ outcome: 'synced', entriesCreated: 80 });
    expect(next.calls.filter(isTransactionPage).length).toBeGreaterThanOrEqual(3);
    expect((await syncStateOf(saver.saverId)).watermark).toBe(bankToday());
    // No gaps: everything the bank listed is stored; no duplicates: each once.
    const stored = await transactionsOf(saver.saverId);
    expect(stored).toHaveLength(completed.transactionsRead);
    expect(new Set(stored.map((transaction) => transaction.id)).size).toBe(stored.length);

    const { entries } = await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(entries).toHaveLength(80);
  });

  test('FI-09 overlapping runs for one saver: the lease lets one run; a crashed holder blocks until it lapses', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50', '12.00']);

    // A slow run: it holds the lease while its first page is being stored.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = (): void => undefined;
    const inside = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const slow = automation({
      store: (inner) =>
        intercept(inner, {
          upsertTransactions: async (...args) => {
            arrived();
            await gate;
            return inner.upsertTransactions(...args);
          },
        }),
    });
    const running = slow.sync.syncSaver(saver.saverId);
    await inside;

    // The next tick meanwhile: another worker, the periodic rules and a queued message all step back.
    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({ outcome: 'busy' });
    expect(await automation().sync.evaluateCalendar(saver.saverId)).toBe('busy');
    await deliverSyncMessage(saver.saverId, 1);
    expect(await runJob(local, 'sync-saver')).toMatchObject({ received: 1, failed: 0 });
    expect(await entriesOf(saver.saverId)).toEqual([]);

    release();
    expect(await running).toMatchObject({ outcome: 'synced', entriesCreated: 2 });
    // The busy runs spent no unattended read.
    expect((await syncStateOf(saver.saverId)).unattendedReads).toHaveLength(1);

    // A worker that died holding the lease: nobody runs until the lease lapses, then the next one does.
    await store().acquireLease(saver.saverId, 'crashed-worker', new Date(), new Date(Date.now() + LEASE_MS));
    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({ outcome: 'busy' });
    const afterLapse = automation({ now: () => new Date(Date.now() + LEASE_MS + 1000) });
    expect(await afterLapse.sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 0,
    });

    const { transfers } = await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(transfers).toHaveLength(1);
  });

  test('FI-10 a pending purchase booked under a new id for another amount saves once, on the booked amount', async () => {
    const saver = await fundedSaver();
    const hold = await purchase(local, saver.sourceAccountId, '100.00', {
      status: 'reserved',
      counterparty: 'Shell',
    });

    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 0,
    });
    const pending = (await transactionsOf(saver.saverId)).find((stored) => stored.id === hold.transaction_id);
    expect(pending).toMatchObject({ status: 'reserved', removed: false, amountMinor: -10_000 });

    // The station books the fill-up a day later under a new id, for more than it reserved.
    const booked = await admin<{ transaction_id: string; replaced_transaction_id: string }>(
      'POST',
      `/transactions/${encodeURIComponent(hold.transaction_id)}/book`,
      { amount: '-112.00', booking_date: bankToday() },
    );
    expect(booked.transaction_id).not.toBe(hold.transaction_id);

    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 1,
    });
    const stored = await transactionsOf(saver.saverId);
    expect(stored.find((item) => item.id === hold.transaction_id)).toMatchObject({ removed: true });
    expect(stored.find((item) => item.id === booked.transaction_id)).toMatchObject({
      status: 'booked',
      amountMinor: -11_200,
    });

    const { entries } = await expectMoneyInvariants(local, saver.saverId, {
      eligible: [booked.transaction_id],
      ineligible: [hold.transaction_id],
    });
    // 112.00 rounds up to 120.00: 8.00 saved, nothing from the 100.00 reservation.
    expect(entries.map((entry) => entry.amountMinor)).toEqual([800]);
  });

  test('FI-11 a vanished hold saves nothing and is marked removed; refunds and reversals make no negative save', async () => {
    const saver = await fundedSaver();
    const hold = await purchase(local, saver.sourceAccountId, '30.00', {
      status: 'reserved',
      counterparty: 'Shell',
    });
    const [groceries, shoes] = (await purchases(saver, ['47.50', '12.00'])) as [string, string];
    const moneyBack = (amount: string, counterparty: string) =>
      admin<{ transaction_id: string }>(
        'POST',
        `/accounts/${encodeURIComponent(saver.sourceAccountId)}/transactions`,
        {
          amount,
          currency: 'DKK',
          status: 'billed',
          counterparty_name: counterparty,
          card_number: '4571 10** **** 1234',
          booking_date: bankToday(),
        },
      );
    // Money in on a card: a refund at the supermarket.
    const refund = await moneyBack('47.50', 'Netto');

    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 2,
    });

    // The hold is released without a booking (booked, via the admin API, far outside any window the
    // consent can read: to the app it simply vanishes) and the shoes are reversed by the shop.
    await admin('POST', `/transactions/${encodeURIComponent(hold.transaction_id)}/book`, {
      booking_date: addDays(bankToday(), -200),
    });
    const reversal = await moneyBack('12.00', 'Zalando');

    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 0,
    });
    const vanished = (await transactionsOf(saver.saverId)).find(
      (stored) => stored.id === hold.transaction_id,
    );
    expect(vanished).toMatchObject({ status: 'reserved', removed: true });

    const { entries, transfers } = await expectMoneyInvariants(local, saver.saverId, {
      eligible: [groceries, shoes],
      ineligible: [hold.transaction_id, refund.transaction_id, reversal.transaction_id],
    });
    expect(entries.map((entry) => entry.amountMinor).sort((a, b) => a - b)).toEqual([250, 800]);
    expect(transfers.every((transfer) => transfer.amountMinor > 0)).toBe(true);
  });

  test('FI-12 concurrent token refreshes in one worker make one refresh call', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50']);
    const held: string[] = [];
    const keepPlanned = async (_saverId: string, transferId: string) => {
      held.push(transferId);
    };
    const planned = await automation({ executeLater: keepPlanned }).sync.syncSaver(saver.saverId);
    const transferId = planned.transferPlanned ?? '';
    expect(transferId).not.toBe('');

    // The access token runs out; a sync and the transfer executor both need the bank at once. The
    // refresh is slowed down so the executor asks for a token while it is in flight.
    await expireAccessToken(saver.saverId);
    bought.push(...(await purchases(saver, ['12.00'])));
    const probe = await bankProbe();
    let refreshing = false;
    const slowRefresh = intercept(probe.client, {
      refreshTokens: async (...args: Parameters<NordeaClient['refreshTokens']>) => {
        refreshing = true;
        await new Promise((resolve) => setTimeout(resolve, 400));
        try {
          return await probe.client.refreshTokens(...args);
        } finally {
          refreshing = false;
        }
      },
    });
    // Who loads the expired tokens while the refresh is in flight: the second caller.
    const { secretId } = await tokensOf(saver.saverId);
    const read = secretVault().read.bind(secretVault());
    let expiredLoadsDuringRefresh = 0;
    vi.spyOn(secretVault(), 'read').mockImplementation(async (id, options) => {
      const value = await read(id, options);
      const expired = value && (JSON.parse(value) as BankTokenSet).accessTokenExpiresAt < Date.now();
      if (id === secretId && expired && refreshing) expiredLoadsDuringRefresh += 1;
      return value;
    });
    const worker = automation({ client: () => slowRefresh, executeLater: keepPlanned });
    const [synced, executed] = await Promise.all([
      worker.sync.syncSaver(saver.saverId),
      worker.transfers.execute(saver.saverId, transferId),
    ]);
    expect(synced.outcome).toBe('synced');
    expect(executed).toBe('paid');
    expect(expiredLoadsDuringRefresh).toBeGreaterThanOrEqual(1); // the executor came mid-refresh…
    expect(probe.refreshes()).toBe(1); // …and shared it
    expect(await bankStatus(saver)).toBe('linked');

    await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
  });

  // BUG (shared/bank/connection.ts, BankConnection.refresh): refresh is single-flight only inside one
  // process. When two workers (the sync and the transfer executor, which takes no lease) refresh the
  // same consent at once, the loser spends an already used refresh token, gets error.token.invalid as
  // BankConsentRevokedError, and its caller flags the connection needs-consent (the executor also
  // rejects the transfer) although the consent is fine and the winner saved fresh tokens. Proposed
  // fix: on a refused refresh, reload the stored tokens and use them if their refresh token is no
  // longer the one just spent (briefly re-polling for the winner's save), or take a per-consent
  // refresh lock in DynamoDB. Remove `.fails` once fixed.
  test('FI-12 two workers refreshing the same consent at once keep it usable', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50']);
    const planned = await automation({ executeLater: async () => undefined }).sync.syncSaver(saver.saverId);
    const transferId = planned.transferPlanned ?? '';
    expect(transferId).not.toBe('');

    // The sync worker and the transfer executor (two Lambdas, two in-process connections) both find
    // the access token expired and both refresh with the same refresh token.
    await expireAccessToken(saver.saverId);
    let arrived = 0;
    let bothArrived = (): void => undefined;
    const barrier = new Promise<void>((resolve) => {
      bothArrived = resolve;
    });
    const racing = async () => {
      const probe = await bankProbe();
      const client = intercept(probe.client, {
        refreshTokens: async (...args: Parameters<NordeaClient['refreshTokens']>) => {
          arrived += 1;
          if (arrived === 2) bothArrived();
          await Promise.race([barrier, new Promise((resolve) => setTimeout(resolve, 2000))]);
          return probe.client.refreshTokens(...args);
        },
      });
      return { probe, worker: automation({ client: () => client, executeLater: async () => undefined }) };
    };
    const [syncWorker, transferWorker] = await Promise.all([racing(), racing()]);
    const [synced, executed] = await Promise.allSettled([
      syncWorker.worker.sync.syncSaver(saver.saverId),
      transferWorker.worker.transfers.execute(saver.saverId, transferId),
    ]);
    expect(arrived).toBe(2);
    // One refresh wins at the bank; the loser must not end the saver's automation over it.
    expect(synced).toMatchObject({ status: 'fulfilled', value: { outcome: 'synced' } });
    expect(executed).toMatchObject({ status: 'fulfilled', value: 'paid' });
    expect(await bankStatus(saver)).toBe('linked');

    await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
  });

  test('FI-12 a crash between refresh and persist flags needs-consent once, with no invalid_grant storm', async () => {
    // (a) The refreshed tokens cannot be saved: the connection is flagged at once.
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50']);
    const planned = await automation({ executeLater: async () => undefined }).sync.syncSaver(saver.saverId);
    expect(planned.transferPlanned).not.toBeNull();
    await expireAccessToken(saver.saverId);
    vi.spyOn(secretVault(), 'write').mockRejectedValueOnce(new Error('Secrets Manager is unavailable'));
    const probe = await bankProbe();
    const flagged = await automation({ client: () => probe.client }).sync.syncSaver(saver.saverId);
    expect(flagged.outcome).toBe('needs-consent');
    expect(probe.refreshes()).toBe(1);
    expect(await bankStatus(saver)).toBe('needs-consent');
    expect(await notificationKinds(saver)).toEqual(['consent-expired']);
    expect((await syncStateOf(saver.saverId)).nextSyncAt).toBeNull();
    // The transfer not yet sent is taken back; its money waits for the new consent.
    expect(await store().getTransfer(saver.saverId, planned.transferPlanned ?? '')).toMatchObject({
      status: 'cancelled',
    });

    // Later runs do not touch the bank at all: no second refresh with a spent token.
    const later = await bankProbe();
    const laterRun = automation({ client: () => later.client });
    expect(await laterRun.sync.syncSaver(saver.saverId)).toMatchObject({ outcome: 'needs-consent' });
    expect(await laterRun.sync.syncSaver(saver.saverId, PRESENT)).toMatchObject({ outcome: 'needs-consent' });
    expect(await laterRun.transfers.execute(saver.saverId, planned.transferPlanned ?? '')).toBe(
      'not-planned',
    );
    expect(later.calls).toEqual([]);
    const { entries } = await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(entries.map((entry) => entry.status)).toEqual(['pending']);
    expect(await paymentsFor(local, planned.transferPlanned ?? '')).toEqual([]);

    // (b) The worker dies after the bank rotated the tokens, before anything was saved: the next run
    // spends the dead refresh token once, is refused, flags the connection, and nobody tries again.
    const other = await fundedSaver();
    await expireAccessToken(other.saverId);
    const dying = await bankProbe();
    const killed = intercept(dying.client, {
      refreshTokens: async (...args: Parameters<NordeaClient['refreshTokens']>) => {
        await dying.client.refreshTokens(...args);
        throw new Error('worker killed before the new tokens were saved');
      },
    });
    await expect(automation({ client: () => killed }).sync.syncSaver(other.saverId)).rejects.toThrow(
      'worker killed',
    );
    const next = await bankProbe();
    expect(await automation({ client: () => next.client }).sync.syncSaver(other.saverId)).toMatchObject({
      outcome: 'needs-consent',
    });
    expect(next.refreshes()).toBe(1);
    expect(await bankStatus(other)).toBe('needs-consent');
    const after = await bankProbe();
    expect(await automation({ client: () => after.client }).sync.syncSaver(other.saverId)).toMatchObject({
      outcome: 'needs-consent',
    });
    expect(after.calls).toEqual([]);
    await expectMoneyInvariants(local, other.saverId);
  });

  test('FI-16 a consent revoked mid-run stops the bank calls and takes back the planned transfer', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50']);
    const planned = await automation({ executeLater: async () => undefined }).sync.syncSaver(saver.saverId);
    const transferId = planned.transferPlanned ?? '';
    expect(transferId).not.toBe('');
    await purchases(saver, ['12.00']);

    // The saver withdraws the consent at Nordea right after the run read the accounts.
    const probe = await bankProbe();
    let callsAtRevocation = -1;
    const client = intercept(probe.client, {
      listAccounts: async (...args: Parameters<NordeaClient['listAccounts']>) => {
        const accounts = await probe.client.listAccounts(...args);
        await revokeAtBank(saver.saverId);
        callsAtRevocation = probe.calls.length;
        return accounts;
      },
    });
    const worker = automation({ client: () => client });
    expect(await worker.sync.syncSaver(saver.saverId)).toMatchObject({ outcome: 'needs-consent' });
    // After the revocation: the refused read and the refused refresh that proves it, nothing more.
    const afterRevocation = probe.calls.slice(callsAtRevocation);
    expect(afterRevocation.filter(isTransactionPage)).toHaveLength(1);
    expect(afterRevocation.filter((call) => call.endsWith('(refresh)'))).toHaveLength(1);
    expect(afterRevocation).toHaveLength(2);
    // The saver is told: the bank status says so and one notification asks to reconnect.
    expect(await bankStatus(saver)).toBe('needs-consent');
    expect(await notificationKinds(saver)).toEqual(['consent-expired']);

    // The planned transfer is cancelled and its money is pending again (one more attempt).
    expect(await store().getTransfer(saver.saverId, transferId)).toMatchObject({ status: 'cancelled' });
    const [entry] = await entriesOf(saver.saverId);
    expect(entry).toMatchObject({ status: 'pending', transferId: null, attempt: 1 });

    // Nothing touches the bank any more: syncs, the executor and the reconciler all stand back.
    const calls = probe.calls.length;
    expect(await worker.sync.syncSaver(saver.saverId)).toMatchObject({ outcome: 'needs-consent' });
    expect(await worker.transfers.execute(saver.saverId, transferId)).toBe('not-planned');
    await worker.schedules.reconcileTransfers();
    expect(probe.calls.slice(calls)).toEqual([]);

    await expectMoneyInvariants(local, saver.saverId, { eligible: bought });
    expect(await paymentsFor(local, transferId)).toEqual([]);
    expect(await notificationKinds(saver)).toEqual(['consent-expired']);
  });

  test('FI-17 clock skew of ±2 min around local midnight across a DST change: one entry per day and per week', async () => {
    const saver = await fundedSaver();
    const timeZone = 'Europe/Copenhagen';
    const change = lastOffsetChange(timeZone, new Date());
    const changeDate = localDateOf(change, timeZone);
    const firstDay = addDays(changeDate, -3);

    const daily = await local.api<{ id: string }>('POST', '/api/rules', {
      token: saver.token,
      body: { type: 'set-and-forget', goalId: saver.goalId, amountMinor: 1000, schedule: { every: 'day' } },
    });
    const weekly = await local.api<{ id: string }>('POST', '/api/rules', {
      token: saver.token,
      body: {
        type: 'set-and-forget',
        goalId: saver.goalId,
        amountMinor: 2000,
        schedule: { every: 'week', weekday: isoWeekday(changeDate) },
      },
    });
    expect([daily.status, weekly.status]).toEqual([201, 201]);
    // Both switched on a few days before the last DST change (rules only ever act from activeFrom on).
    const rules = new SaverItems(dynamoDocumentClient(), config().TABLE_NAME, 'RULE', RuleSchema);
    for (const id of [daily.body.id, weekly.body.id]) {
      const { version, ...rule } = (await rules.get(saver.saverId, id)) ?? expect.fail('rule missing');
      expect(await rules.replace(saver.saverId, { ...rule, activeFrom: firstDay }, version)).toBe(true);
    }

    // Workers whose clocks are up to 2 minutes off, around each local midnight and the change itself;
    // a lagging clock may come after a leading one.
    const minute = 60_000;
    const instants: Date[] = [];
    for (let day = -2; day <= 2; day += 1) {
      const midnight = localMidnight(addDays(changeDate, day), timeZone).getTime();
      instants.push(
        new Date(midnight - 2 * minute),
        new Date(midnight + 2 * minute),
        new Date(midnight - 2 * minute),
      );
      if (day === 0) {
        instants.push(new Date(change.getTime() - 2 * minute), new Date(change.getTime() + 2 * minute));
      }
    }
    const outcomes: string[] = [];
    for (const instant of instants) {
      outcomes.push(await automation({ now: () => instant }).sync.evaluateCalendar(saver.saverId));
    }
    expect(outcomes).not.toContain('busy');
    expect(outcomes).not.toContain('skipped');

    const entries = await entriesOf(saver.saverId);
    const lastDay = addDays(changeDate, 2);
    const days: LocalDate[] = [];
    for (let date = firstDay; date <= lastDay; date = addDays(date, 1)) days.push(date);
    const ofRule = (ruleId: string) =>
      entries
        .filter((entry) => entry.ruleId === ruleId)
        .map((entry) => entry.trigger.ref)
        .sort();
    expect(ofRule(daily.body.id)).toEqual(days);
    expect(ofRule(weekly.body.id)).toHaveLength(1);
    expect(entries.filter((entry) => entry.ruleId === weekly.body.id)[0]?.trigger.date).toBe(changeDate);

    await expectMoneyInvariants(local, saver.saverId);
  });

  test('FI-18 a hostile or malformed transaction page fails the sync cleanly, stores nothing of it, saves nothing', async () => {
    const saver = await fundedSaver();
    const bought = await purchases(saver, ['47.50']);
    const today = bankToday();
    const item = (id: string, more: Record<string, unknown> = {}) => ({
      transaction_id: id,
      currency: 'DKK',
      amount: '-47.50',
      booking_date: today,
      value_date: today,
      status: 'billed',
      counterparty_name: 'Netto',
      card_number: '4571 10** **** 1234',
      ...more,
    });
    const page = (transactions: unknown) => ({
      group_header: {
        message_identification: 'hostile',
        creation_date_time: new Date().toISOString(),
        http_code: 200,
      },
      response: { transactions, _links: [] },
    });
    const { amount: _amount, ...withoutAmount } = item('hostile-no-amount');
    const { booking_date: _date, ...withoutDate } = item('hostile-no-date');
    const cases: Record<string, unknown> = {
      'an amount of 1e309': page([item('hostile-ok-1'), item('hostile-1e309', { amount: '1e309' })]),
      'a number amount beyond any balance': page([item('hostile-huge', { amount: -1e300 })]),
      'an amount with a fraction of an øre': page([item('hostile-fraction', { amount: '-47.505' })]),
      'a missing amount': page([item('hostile-ok-2'), withoutAmount]),
      'a missing booking date': page([withoutDate]),
      'an amount of the wrong type': page([item('hostile-object', { amount: { value: '-47.50' } })]),
      'a status that is not one of Nordea’s': page([item('hostile-status', { status: 'booked' })]),
      'a booking date that is no date': page([item('hostile-date', { booking_date: '2026-02-30' })]),
      'transactions that are not a list': page('all of them'),
      'a 900 kB text field': page([item('hostile-long', { narrative: 'x'.repeat(900_000) })]),
    };
    const hostileIds = [
      'hostile-ok-1',
      'hostile-1e309',
      'hostile-huge',
      'hostile-fraction',
      'hostile-ok-2',
      'hostile-no-amount',
      'hostile-no-date',
      'hostile-object',
      'hostile-status',
      'hostile-date',
      'hostile-long',
    ];
    const expectNothingKept = async () => {
      const stored = (await transactionsOf(saver.saverId)).map((transaction) => transaction.id);
      expect(stored.filter((id) => id.startsWith('hostile-'))).toEqual([]);
      expect(await entriesOf(saver.saverId)).toEqual([]);
      expect((await syncStateOf(saver.saverId)).watermark).toBeNull();
    };

    // Hostile first pages (runs as if the saver were present, so the unattended budget is kept).
    for (const [name, body] of Object.entries(cases)) {
      await admin('POST', '/faults', {
        type: 'replace-body',
        method: 'GET',
        path: '/transactions',
        times: 1,
        body,
      });
      await expect(automation().sync.syncSaver(saver.saverId, PRESENT), name).rejects.toBeInstanceOf(
        BankResponseError,
      );
      await expectNothingKept();
    }

    // A 10 MB text field (beyond what the admin API takes, so added on the way back): refused unread.
    // The app's own client just spent this second's AIS budget and the probe paces separately (and
    // never really sleeps on a 429), so let the bank's one-second window pass first.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const huge = await bankProbe({
      answer: async (call, response) => {
        if (!isTransactionPage(call)) return response;
        const body = (await response.json()) as { response: { transactions: Record<string, unknown>[] } };
        const [first] = body.response.transactions;
        if (first) first.narrative = 'x'.repeat(10 * 1024 * 1024);
        const headers = new Headers(response.headers);
        headers.delete('content-length');
        return new Response(JSON.stringify(body), { status: response.status, headers });
      },
    });
    await expect(
      automation({ client: () => huge.client }).sync.syncSaver(saver.saverId, PRESENT),
    ).rejects.toThrow(/too large/);
    await expectNothingKept();

    // A hostile page 2: page 1 is stored (it was sound), page 2 not at all, nothing is evaluated.
    const probe = await bankProbe();
    const client = beforePage(probe.client, 2, async () => {
      await admin('POST', '/faults', {
        type: 'replace-body',
        method: 'GET',
        path: '/transactions',
        times: 1,
        body: cases['an amount of 1e309'],
      });
    });
    await expect(
      automation({ client: () => client }).sync.syncSaver(saver.saverId, PRESENT),
    ).rejects.toBeInstanceOf(BankResponseError);
    expect(await transactionsOf(saver.saverId)).toHaveLength(50);
    await expectNothingKept();

    // Once the bank answers soundly again, the next (unattended) run works and saves once.
    await admin('DELETE', '/faults');
    expect(await automation().sync.syncSaver(saver.saverId)).toMatchObject({
      outcome: 'synced',
      entriesCreated: 1,
    });
    await expectMoneyInvariants(local, saver.saverId, { eligible: bought, ineligible: hostileIds });
  });
});

// --- time zone helpers -------------------------------------------------------------------------------

function offsetMinutes(instant: Date, timeZone: string): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(instant)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The instant of the most recent UTC-offset change (DST) in the zone before `before`, to the minute. */
function lastOffsetChange(timeZone: string, before: Date): Date {
  const hour = 3_600_000;
  let later = before.getTime();
  for (let earlier = later - hour; earlier > before.getTime() - 400 * 86_400_000; earlier -= hour) {
    if (offsetMinutes(new Date(earlier), timeZone) !== offsetMinutes(new Date(later), timeZone)) {
      let low = earlier;
      let high = later;
      while (high - low > 60_000) {
        const middle = low + Math.floor((high - low) / 2);
        if (offsetMinutes(new Date(middle), timeZone) === offsetMinutes(new Date(low), timeZone))
          low = middle;
        else high = middle;
      }
      return new Date(high);
    }
    later = earlier;
  }
  throw new Error(`${timeZone} has not changed its offset in 400 days`);
}

/** 00:00 local time on `date` in the zone. */
function localMidnight(date: LocalDate, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let instant = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  instant = guess - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}
