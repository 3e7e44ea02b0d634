import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Goal, GoalSchema } from '#domain/goals';
import type { Transaction } from '#domain/transaction';
import type { Notification, StoredEntry, StoredTransfer } from '#store/automation-records';
import { DynamoAutomationStore } from '#store/automation-store';
import { type BankConnectionRecord, BankRepository } from '#store/bank-repository';
import { keys, SHARDS } from '#store/keys';
import { InvalidCursorError, SaverItems } from '#store/saver-items';
import { SaverPartition } from '#store/saver-partition';
import { startTestTable, type TestTable } from '#test/support/dynalite';

let table: TestTable;
let store: DynamoAutomationStore;
let counter = 0;
const newSaver = () => `saver-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  table = await startTestTable();
  store = new DynamoAutomationStore(table.client, table.tableName);
});
afterAll(async () => {
  await table.close();
});

const connection = (saverId: string, linkedAt: string): BankConnectionRecord => ({
  saverId,
  status: 'linked',
  consentExpiresAt: '2027-02-26T10:00:00.000Z',
  tokenSecretId: `sparegris/bank-tokens/${saverId}`,
  linkedAt,
  sourceAccountId: 'acc-current',
  savingsAccountId: 'acc-savings',
});

const transaction = (id: string, bookingDate: string, extra: Partial<Transaction> = {}): Transaction => ({
  id,
  accountId: 'acc-current',
  bookingDate,
  amountMinor: -4_250,
  currency: 'DKK',
  status: 'booked',
  kind: 'card',
  text: 'Netto',
  ...extra,
});

const entry = (id: string, date: string, extra: Partial<StoredEntry> = {}): StoredEntry => ({
  id,
  ruleId: 'rule-1',
  goalId: 'goal-1',
  status: 'pending',
  amountMinor: 750,
  currency: 'DKK',
  trigger: { kind: 'transaction', ref: `tx-${id}`, date },
  explanation: 'Round-up of Netto',
  skipReason: null,
  createdAt: `${date}T12:00:00.000Z`,
  attempt: 0,
  transferId: null,
  ...extra,
});

const transfer = (id: string, createdAt: string, extra: Partial<StoredTransfer> = {}): StoredTransfer => ({
  id,
  status: 'planned',
  amountMinor: 5_000,
  currency: 'DKK',
  entryIds: ['se-1', 'se-2'],
  bankPaymentId: null,
  createdAt,
  version: 1,
  entryRefs: [
    { id: 'se-1', date: '2026-11-20' },
    { id: 'se-2', date: '2026-11-21' },
  ],
  sourceAccountId: 'acc-current',
  savingsAccountId: 'acc-savings',
  claimedUntil: null,
  signingUrl: null,
  confirmBy: null,
  failureReason: null,
  updatedAt: createdAt,
  ...extra,
});

const notification = (id: string, createdAt: string): Notification => ({
  id,
  kind: 'transfer-paid',
  title: 'Saved!',
  body: '50,00 kr. reached your savings account.',
  link: null,
  createdAt,
  readAt: null,
});

/** A cursor naming a key of another saver's list: well-formed, but not one this list issued. */
const foreignCursor = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function allPages<T>(read: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

describe('sync state on the bank connection', () => {
  test('a new link is scheduled at once and has empty sync bookkeeping', async () => {
    const saverId = newSaver();
    const bank = new BankRepository(table.client, table.tableName);
    await bank.putConnection(connection(saverId, '2026-11-28T09:00:00.000Z'));
    expect(await store.syncState(saverId)).toEqual({
      saverId,
      status: 'linked',
      consentExpiresAt: '2027-02-26T10:00:00.000Z',
      tokenSecretId: `sparegris/bank-tokens/${saverId}`,
      sourceAccountId: 'acc-current',
      savingsAccountId: 'acc-savings',
      watermark: null,
      calendarFrom: null,
      nextSyncAt: '2026-11-28T09:00:00.000Z',
      unattendedReads: [],
    });
    expect(await store.syncState(newSaver())).toBeUndefined();
  });

  test('progress and reads are kept across a re-link, which reschedules at once', async () => {
    const saverId = newSaver();
    const bank = new BankRepository(table.client, table.tableName);
    await bank.putConnection(connection(saverId, '2026-11-01T09:00:00.000Z'));
    await store.saveSyncProgress(saverId, { watermark: '2026-11-27' });
    await store.saveSyncProgress(saverId, { calendarFrom: '2026-11-28' });
    await store.recordUnattendedReads(saverId, ['2026-11-28T01:00:00.000Z', '2026-11-28T07:00:00.000Z']);
    await store.markNeedsConsent(saverId);
    expect((await store.syncState(saverId))?.status).toBe('needs-consent');
    expect((await store.syncState(saverId))?.nextSyncAt).toBeNull();

    await bank.putConnection({ ...connection(saverId, '2026-11-28T09:30:00.000Z'), sourceAccountId: null });
    const state = await store.syncState(saverId);
    expect(state).toMatchObject({
      status: 'linked',
      watermark: '2026-11-27',
      calendarFrom: '2026-11-28',
      nextSyncAt: '2026-11-28T09:30:00.000Z',
      unattendedReads: ['2026-11-28T01:00:00.000Z', '2026-11-28T07:00:00.000Z'],
      sourceAccountId: null,
    });
    expect(await bank.getConnection(saverId)).toEqual({
      ...connection(saverId, '2026-11-28T09:30:00.000Z'),
      sourceAccountId: null,
    });
  });

  test('bookkeeping for a saver without a connection creates nothing', async () => {
    const saverId = newSaver();
    await store.recordUnattendedReads(saverId, ['2026-11-28T01:00:00.000Z']);
    await store.saveSyncProgress(saverId, { watermark: '2026-11-27' });
    await store.markNeedsConsent(saverId);
    expect(await store.rescheduleSync(saverId, null, '2026-11-28T10:00:00.000Z')).toBe(false);
    expect(await store.syncState(saverId)).toBeUndefined();
  });
});

describe('the sync schedule across shards', () => {
  // Its own table: these lists span all savers.
  let own: TestTable;
  let schedule: DynamoAutomationStore;
  let bank: BankRepository;
  const shards = SHARDS;
  /** Saver ids spread over every shard. */
  const savers: string[] = [];

  beforeAll(async () => {
    own = await startTestTable('sparegris-schedule');
    schedule = new DynamoAutomationStore(own.client, own.tableName);
    bank = new BankRepository(own.client, own.tableName);
    const seen = new Set<number>();
    for (let index = 0; savers.length < 6 || seen.size < shards; index += 1) {
      const saverId = `sched-${index}`;
      seen.add(keys.shardOf(saverId));
      savers.push(saverId);
    }
  });
  afterAll(async () => {
    await own.close();
  });

  test('dueForSync: only due, linked savers, oldest first across shards, at most limit', async () => {
    const [a, b, c, d, e, f] = savers as [string, string, string, string, string, string];
    expect(new Set([a, b, c].map((saverId) => keys.shardOf(saverId))).size).toBeGreaterThan(1);
    await bank.putConnection(connection(c, '2026-11-28T08:00:00.000Z'));
    await bank.putConnection(connection(a, '2026-11-28T09:00:00.000Z'));
    await bank.putConnection(connection(b, '2026-11-28T07:00:00.000Z'));
    await bank.putConnection(connection(d, '2026-11-28T11:00:00.000Z')); // not due yet
    await bank.putConnection(connection(e, '2026-11-28T06:00:00.000Z'));
    await schedule.markNeedsConsent(e); // unscheduled
    await bank.putConnection({ ...connection(f, '2026-11-28T05:00:00.000Z'), status: 'revoked' });

    const now = new Date('2026-11-28T09:00:00.000Z');
    expect(await schedule.dueForSync(now, 10)).toEqual([
      { saverId: b, nextSyncAt: '2026-11-28T07:00:00.000Z' },
      { saverId: c, nextSyncAt: '2026-11-28T08:00:00.000Z' },
      { saverId: a, nextSyncAt: '2026-11-28T09:00:00.000Z' },
    ]);
    expect((await schedule.dueForSync(now, 2)).map((due) => due.saverId)).toEqual([b, c]);
    expect(await schedule.dueForSync(now, 0)).toEqual([]);

    const linked = await allPages((cursor) => schedule.linkedSavers(cursor));
    expect(linked.sort()).toEqual([a, b, c, d].sort());
  });

  test('rescheduleSync moves only from the expected time, and only while linked', async () => {
    const [a, b, , , e] = savers as [string, string, string, string, string];
    const now = new Date('2026-11-28T09:00:00.000Z');
    expect(await schedule.rescheduleSync(a, '2026-11-28T08:59:00.000Z', '2026-11-28T13:00:00.000Z')).toBe(
      false,
    );
    expect(await schedule.rescheduleSync(a, null, '2026-11-28T13:00:00.000Z')).toBe(false);
    expect((await schedule.syncState(a))?.nextSyncAt).toBe('2026-11-28T09:00:00.000Z');

    // Two dispatchers take the same due saver: one wins.
    const claims = await Promise.all(
      Array.from({ length: 5 }, () =>
        schedule.rescheduleSync(b, '2026-11-28T07:00:00.000Z', '2026-11-28T13:00:00.000Z'),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await schedule.dueForSync(now, 10)).map((due) => due.saverId)).not.toContain(b);
    expect((await schedule.syncState(b))?.nextSyncAt).toBe('2026-11-28T13:00:00.000Z');

    // Unscheduling and scheduling again from nothing.
    expect(await schedule.rescheduleSync(b, '2026-11-28T13:00:00.000Z', null)).toBe(true);
    expect((await schedule.syncState(b))?.nextSyncAt).toBeNull();
    expect(await allPages((cursor) => schedule.linkedSavers(cursor))).not.toContain(b);
    expect(await schedule.rescheduleSync(b, null, '2026-11-28T08:30:00.000Z')).toBe(true);
    expect((await schedule.dueForSync(now, 10)).map((due) => due.saverId)).toContain(b);

    // A saver needing consent cannot be scheduled.
    expect(await schedule.rescheduleSync(e, null, '2026-11-28T08:00:00.000Z')).toBe(false);
  });

  test('markNeedsConsent takes a saver out of dueForSync and linkedSavers', async () => {
    const [a] = savers as [string];
    const now = new Date('2026-11-28T09:00:00.000Z');
    expect((await schedule.dueForSync(now, 10)).map((due) => due.saverId)).toContain(a);
    await schedule.markNeedsConsent(a);
    expect((await schedule.dueForSync(now, 10)).map((due) => due.saverId)).not.toContain(a);
    expect(await allPages((cursor) => schedule.linkedSavers(cursor))).not.toContain(a);
    expect(await schedule.syncState(a)).toMatchObject({ status: 'needs-consent', nextSyncAt: null });
  });

  test('linkedSavers pages through more savers than one page holds', async () => {
    const many = Array.from({ length: 130 }, (_, index) => `many-${index}`);
    for (const saverId of many) await bank.putConnection(connection(saverId, '2026-11-29T00:00:00.000Z'));
    const first = await schedule.linkedSavers();
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).not.toBeNull();
    const linked = await allPages((cursor) => schedule.linkedSavers(cursor));
    expect(new Set(linked).size).toBe(linked.length);
    for (const saverId of many) expect(linked).toContain(saverId);
  });

  test('linkedSavers refuses a cursor it did not issue', async () => {
    await expect(schedule.linkedSavers('not-a-cursor')).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(schedule.linkedSavers(foreignCursor({ s: 99 } as never))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const wrongShard = Buffer.from(
      JSON.stringify({ s: 0, k: { PK: 'SAVER#x', SK: 'BANK', GSI1PK: 'SYNC_DUE#1', GSI1SK: 'x' } }),
    ).toString('base64url');
    await expect(schedule.linkedSavers(wrongShard)).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('the sync lease', () => {
  test('held until it expires; only its owner releases it', async () => {
    const saverId = newSaver();
    const at = (time: string) => new Date(`2026-11-28T${time}Z`);
    expect(await store.acquireLease(saverId, 'run-1', at('10:00:00'), at('10:05:00'))).toBe(true);
    expect(await store.acquireLease(saverId, 'run-2', at('10:01:00'), at('10:06:00'))).toBe(false);
    await store.releaseLease(saverId, 'run-2');
    expect(await store.acquireLease(saverId, 'run-2', at('10:02:00'), at('10:07:00'))).toBe(false);
    expect(await store.acquireLease(saverId, 'run-2', at('10:05:01'), at('10:10:00'))).toBe(true);
    await store.releaseLease(saverId, 'run-1'); // the old owner's release is ignored
    expect(await store.acquireLease(saverId, 'run-3', at('10:06:00'), at('10:11:00'))).toBe(false);
    await store.releaseLease(saverId, 'run-2');
    expect(await store.acquireLease(saverId, 'run-3', at('10:06:00'), at('10:11:00'))).toBe(true);
  });

  test('concurrent takers: exactly one wins', async () => {
    const saverId = newSaver();
    const now = new Date('2026-11-28T10:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        store.acquireLease(saverId, `run-${index}`, now, new Date('2026-11-28T10:05:00Z')),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('the lease carries a TTL', async () => {
    const saverId = newSaver();
    await store.acquireLease(
      saverId,
      'run-1',
      new Date('2026-11-28T10:00:00Z'),
      new Date('2026-11-28T10:05:00Z'),
    );
    const { Item: item } = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: keys.syncLease(saverId) }),
    );
    expect(item?.expiresAt).toBe(Date.parse('2026-11-28T10:05:00Z') / 1000);
  });
});

describe('transactions', () => {
  test('upserting the same transactions twice stores them once', async () => {
    const saverId = newSaver();
    const page = Array.from({ length: 30 }, (_, index) =>
      transaction(`tx/${index}#a`, `2026-11-${String(10 + (index % 15)).padStart(2, '0')}`),
    );
    await store.upsertTransactions(saverId, page, '2026-11-28T10:00:00.000Z');
    await store.upsertTransactions(saverId, [...page, page[0] as Transaction], '2026-11-28T11:00:00.000Z');
    const stored = await store.transactionsSince(saverId, '2026-11-01');
    expect(stored).toHaveLength(30);
    expect(stored.find((item) => item.id === 'tx/0#a')).toEqual({
      ...page[0],
      seenAt: '2026-11-28T11:00:00.000Z',
      removed: false,
    });
  });

  test('transactionsSince starts at the date, removed ones included', async () => {
    const saverId = newSaver();
    await store.upsertTransactions(
      saverId,
      [
        transaction('a', '2026-11-20'),
        transaction('b', '2026-11-21', { status: 'reserved' }),
        transaction('c', '2026-11-22'),
      ],
      '2026-11-28T10:00:00.000Z',
    );
    await store.markTransactionsRemoved(saverId, [
      { id: 'b', bookingDate: '2026-11-21' },
      { id: 'missing', bookingDate: '2026-11-21' },
    ]);
    const since = await store.transactionsSince(saverId, '2026-11-21');
    expect(since.map((item) => [item.id, item.removed])).toEqual([
      ['b', true],
      ['c', false],
    ]);
    expect((await store.transactionsSince(saverId, '2026-11-01')).map((item) => item.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
});

describe('savings entries', () => {
  test('putEntryIfAbsent twice: the second is refused and changes nothing', async () => {
    const saverId = newSaver();
    expect(await store.putEntryIfAbsent(saverId, entry('se-1', '2026-11-20'))).toBe(true);
    expect(await store.putEntryIfAbsent(saverId, entry('se-1', '2026-11-20', { amountMinor: 9_999 }))).toBe(
      false,
    );
    expect(await store.getEntries(saverId, [{ id: 'se-1', date: '2026-11-20' }])).toEqual([
      entry('se-1', '2026-11-20'),
    ]);
  });

  test('ten concurrent creations of one entry: exactly one succeeds', async () => {
    const saverId = newSaver();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        store.putEntryIfAbsent(saverId, entry('se-race', '2026-11-20', { amountMinor: 100 + index })),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.entriesSince(saverId, '2026-01-01')).toHaveLength(1);
  });

  test('entriesSince and getEntries', async () => {
    const saverId = newSaver();
    for (const [id, date] of [
      ['se-a', '2026-11-19'],
      ['se-b', '2026-11-20'],
      ['se-c', '2026-11-21'],
    ] as const) {
      await store.putEntryIfAbsent(saverId, entry(id, date));
    }
    expect((await store.entriesSince(saverId, '2026-11-20')).map((item) => item.id)).toEqual([
      'se-b',
      'se-c',
    ]);
    const got = await store.getEntries(saverId, [
      { id: 'se-c', date: '2026-11-21' },
      { id: 'se-a', date: '2026-11-19' },
      { id: 'se-a', date: '2026-11-19' },
      { id: 'se-missing', date: '2026-11-19' },
    ]);
    expect(got.map((item) => item.id)).toEqual(['se-c', 'se-a']);
    expect(await store.getEntries(saverId, [])).toEqual([]);
  });

  test('getEntries reads more than one batch', async () => {
    const saverId = newSaver();
    const refs = Array.from({ length: 120 }, (_, index) => ({ id: `se-${index}`, date: '2026-11-20' }));
    for (const ref of refs) await store.putEntryIfAbsent(saverId, entry(ref.id, ref.date));
    expect(await store.getEntries(saverId, refs)).toHaveLength(120);
  });

  test('updateEntry moves only from the given states', async () => {
    const saverId = newSaver();
    const ref = { id: 'se-1', date: '2026-11-20' };
    await store.putEntryIfAbsent(saverId, entry(ref.id, ref.date));
    expect(await store.updateEntry(saverId, ref, ['transferring'], { status: 'saved' })).toBe(false);
    expect(await store.updateEntry(saverId, ref, [], { status: 'saved' })).toBe(false);
    expect(
      await store.updateEntry(saverId, ref, ['pending', 'failed'], {
        status: 'transferring',
        transferId: 'tr-1',
      }),
    ).toBe(true);
    expect((await store.getEntries(saverId, [ref]))[0]).toMatchObject({
      status: 'transferring',
      transferId: 'tr-1',
      attempt: 0,
    });
    expect(
      await store.updateEntry(saverId, ref, ['transferring'], {
        status: 'pending',
        transferId: null,
        attempt: 1,
      }),
    ).toBe(true);
    expect((await store.getEntries(saverId, [ref]))[0]).toMatchObject({
      status: 'pending',
      transferId: null,
      attempt: 1,
    });
    expect(
      await store.updateEntry(saverId, { id: 'nope', date: '2026-11-20' }, ['pending'], { status: 'saved' }),
    ).toBe(false);
    expect(await store.getEntries(saverId, [{ id: 'nope', date: '2026-11-20' }])).toEqual([]);
  });

  test('listEntries: newest first, a page at a time, with checked cursors', async () => {
    const saverId = newSaver();
    for (let day = 1; day <= 5; day += 1) {
      await store.putEntryIfAbsent(saverId, entry(`se-${day}`, `2026-11-0${day}`));
    }
    await store.putEntryIfAbsent(newSaver(), entry('other', '2026-11-30'));
    await store.putEntryIfAbsent(saverId, entry('x', '2026-11-09'));
    await store.putEntryIfAbsent(saverId, entry('se-0', '2026-10-31'));
    const ids: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listEntries(saverId, { limit: 2, ...(cursor ? { cursor } : {}) });
      ids.push(page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids.flat()).toEqual(['x', 'se-5', 'se-4', 'se-3', 'se-2', 'se-1', 'se-0']);
    expect(ids[0]).toHaveLength(2);

    await expect(store.listEntries(saverId, { limit: 2, cursor: '%%%' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const otherSaver = foreignCursor(keys.entry('someone-else', '2026-11-02', 'se-2') as never);
    await expect(store.listEntries(saverId, { limit: 2, cursor: otherSaver })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const outsideEntries = foreignCursor(keys.transfer(saverId, 'tr-1') as never);
    await expect(store.listEntries(saverId, { limit: 2, cursor: outsideEntries })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('transfers', () => {
  test('createTransfer once per id, stored at version 1, with an open marker', async () => {
    const saverId = newSaver();
    const created = transfer('tr-1', '2026-11-28T10:00:00.000Z');
    expect(await store.createTransfer(saverId, created)).toBe(true);
    expect(await store.createTransfer(saverId, { ...created, amountMinor: 1 })).toBe(false);
    expect(await store.getTransfer(saverId, 'tr-1')).toEqual(created);
    expect(await store.getTransfer(saverId, 'tr-none')).toBeUndefined();
    const open = await allPages((cursor) => store.allOpenTransfers(cursor));
    expect(open).toContainEqual({ saverId, transferId: 'tr-1' });
  });

  test('a stale status or version changes nothing', async () => {
    const saverId = newSaver();
    const created = transfer('tr-1', '2026-11-28T10:00:00.000Z');
    await store.createTransfer(saverId, created);
    const at = '2026-11-28T10:01:00.000Z';
    expect(
      await store.transitionTransfer(
        saverId,
        'tr-1',
        { status: 'planned', version: 2 },
        { status: 'submitting' },
        at,
      ),
    ).toBeUndefined();
    expect(
      await store.transitionTransfer(
        saverId,
        'tr-1',
        { status: 'submitted', version: 1 },
        { status: 'paid' },
        at,
      ),
    ).toBeUndefined();
    expect(
      await store.transitionTransfer(
        saverId,
        'tr-none',
        { status: 'planned', version: 1 },
        { status: 'submitting' },
        at,
      ),
    ).toBeUndefined();
    expect(await store.getTransfer(saverId, 'tr-1')).toEqual(created);
  });

  test('ten concurrent claims: exactly one wins, and it carries the patch', async () => {
    const saverId = newSaver();
    await store.createTransfer(saverId, transfer('tr-1', '2026-11-28T10:00:00.000Z'));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        store.transitionTransfer(
          saverId,
          'tr-1',
          { status: 'planned', version: 1 },
          { status: 'submitting', claimedUntil: `2026-11-28T10:0${index}:30.000Z` },
          '2026-11-28T10:01:00.000Z',
        ),
      ),
    );
    const winners = results.filter((result) => result !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({
      status: 'submitting',
      version: 2,
      updatedAt: '2026-11-28T10:01:00.000Z',
    });
    expect(await store.getTransfer(saverId, 'tr-1')).toEqual(winners[0]);
  });

  test('a terminal transition removes the marker; open ones keep it', async () => {
    const saverId = newSaver();
    await store.createTransfer(saverId, transfer('tr-1', '2026-11-28T10:00:00.000Z'));
    await store.createTransfer(saverId, transfer('tr-2', '2026-11-28T10:00:01.000Z'));
    const claimed = await store.transitionTransfer(
      saverId,
      'tr-1',
      { status: 'planned', version: 1 },
      { status: 'submitting', claimedUntil: '2026-11-28T10:02:00.000Z' },
      '2026-11-28T10:01:00.000Z',
    );
    const sent = await store.transitionTransfer(
      saverId,
      'tr-1',
      { status: 'submitting', version: claimed?.version ?? 0 },
      { status: 'submitted', bankPaymentId: 'pay-1', claimedUntil: null },
      '2026-11-28T10:01:05.000Z',
    );
    expect(sent).toMatchObject({
      status: 'submitted',
      bankPaymentId: 'pay-1',
      claimedUntil: null,
      version: 3,
    });
    let open = await allPages((cursor) => store.allOpenTransfers(cursor));
    expect(open).toContainEqual({ saverId, transferId: 'tr-1' });
    expect((await store.openTransfers(saverId)).map((item) => item.id).sort()).toEqual(['tr-1', 'tr-2']);

    const paid = await store.transitionTransfer(
      saverId,
      'tr-1',
      { status: 'submitted', version: 3 },
      { status: 'paid' },
      '2026-11-28T10:05:00.000Z',
    );
    expect(paid?.status).toBe('paid');
    open = await allPages((cursor) => store.allOpenTransfers(cursor));
    expect(open).not.toContainEqual({ saverId, transferId: 'tr-1' });
    expect(open).toContainEqual({ saverId, transferId: 'tr-2' });
    expect((await store.openTransfers(saverId)).map((item) => item.id)).toEqual(['tr-2']);

    // Re-creating a settled transfer (a retried plan) must not bring its marker back.
    expect(await store.createTransfer(saverId, transfer('tr-1', '2026-11-28T10:00:00.000Z'))).toBe(false);
    open = await allPages((cursor) => store.allOpenTransfers(cursor));
    expect(open).not.toContainEqual({ saverId, transferId: 'tr-1' });
  });

  test('forgetOpenTransfer drops markers of missing or settled transfers only', async () => {
    const saverId = newSaver();
    await store.createTransfer(saverId, transfer('tr-open', '2026-11-28T10:00:00.000Z'));
    await store.forgetOpenTransfer(saverId, 'tr-open');
    expect(await allPages((cursor) => store.allOpenTransfers(cursor))).toContainEqual({
      saverId,
      transferId: 'tr-open',
    });
    // A marker whose transfer never got written (a crash in between).
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...keys.openTransfer(saverId, 'tr-ghost'), entity: 'open-transfer' },
      }),
    );
    expect(await allPages((cursor) => store.allOpenTransfers(cursor))).toContainEqual({
      saverId,
      transferId: 'tr-ghost',
    });
    await store.forgetOpenTransfer(saverId, 'tr-ghost');
    expect(await allPages((cursor) => store.allOpenTransfers(cursor))).not.toContainEqual({
      saverId,
      transferId: 'tr-ghost',
    });
  });

  test('allOpenTransfers pages across shards and refuses foreign cursors', async () => {
    const saverId = newSaver();
    for (let index = 0; index < 105; index += 1) {
      await store.createTransfer(saverId, transfer(`tr-${index}`, '2026-11-28T10:00:00.000Z'));
    }
    const first = await store.allOpenTransfers();
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.nextCursor).not.toBeNull();
    const all = await allPages((cursor) => store.allOpenTransfers(cursor));
    expect(all.filter((item) => item.saverId === saverId)).toHaveLength(105);
    await expect(store.allOpenTransfers('garbage')).rejects.toBeInstanceOf(InvalidCursorError);
    const wrongShard = Buffer.from(
      JSON.stringify({ s: 1, k: { PK: 'OPEN_TRANSFERS#0', SK: 'a#b' } }),
    ).toString('base64url');
    await expect(store.allOpenTransfers(wrongShard)).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.allOpenTransfers(foreignCursor({ s: SHARDS } as never))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  test('listTransfers: newest first, a page at a time, with checked cursors', async () => {
    const saverId = newSaver();
    for (let minute = 1; minute <= 5; minute += 1) {
      await store.createTransfer(saverId, transfer(`tr-${minute}`, `2026-11-28T10:0${minute}:00.000Z`));
    }
    await store.createTransfer(newSaver(), transfer('tr-9', '2026-11-28T10:09:00.000Z'));
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listTransfers(saverId, { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.flat()).toEqual(['tr-5', 'tr-4', 'tr-3', 'tr-2', 'tr-1']);
    expect(pages[0]).toEqual(['tr-5', 'tr-4']);

    const first = await store.listTransfers(saverId, { limit: 2 });
    const decoded = JSON.parse(Buffer.from(first.nextCursor ?? '', 'base64url').toString('utf8'));
    const tampered = foreignCursor({ ...decoded, GSI1PK: 'TRANSFERS#someone-else' });
    await expect(store.listTransfers(saverId, { limit: 2, cursor: tampered })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      store.listTransfers(saverId, { limit: 2, cursor: foreignCursor({ ...decoded, extra: 'x' }) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.listTransfers(saverId, { limit: 2, cursor: 'bm90IGpzb24' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('goal credits', () => {
  const goals = () => new SaverItems(table.client, table.tableName, 'GOAL', GoalSchema);
  const goal = (extra: Partial<Goal> = {}): Goal => ({
    id: 'goal-1',
    name: 'Rome',
    emoji: null,
    targetMinor: 10_000,
    currency: 'DKK',
    deadline: null,
    savedMinor: 0,
    status: 'active',
    priority: 0,
    whenReached: 'stop-rules',
    ...extra,
  });

  test('a transfer is credited once; reaching the target marks the goal reached', async () => {
    const saverId = newSaver();
    await goals().create(saverId, goal());
    expect(await store.creditGoal(saverId, 'goal-1', 'tr-1', 6_000)).toEqual(goal({ savedMinor: 6_000 }));
    expect(await store.creditGoal(saverId, 'goal-1', 'tr-1', 6_000)).toBeUndefined();
    expect((await goals().get(saverId, 'goal-1'))?.savedMinor).toBe(6_000);

    expect(await store.creditGoal(saverId, 'goal-1', 'tr-2', 4_500)).toEqual(
      goal({ savedMinor: 10_500, status: 'reached' }),
    );
    // Reads through SaverItems (GET /api/goals) still parse strictly.
    expect(await goals().get(saverId, 'goal-1')).toMatchObject(
      goal({ savedMinor: 10_500, status: 'reached' }),
    );
    expect(await goals().all(saverId)).toEqual([goal({ savedMinor: 10_500, status: 'reached' })]);
    // A reached goal stays reached (and is not reached twice).
    expect(await store.creditGoal(saverId, 'goal-1', 'tr-3', 100)).toEqual(
      goal({ savedMinor: 10_600, status: 'reached' }),
    );
  });

  test('concurrent credits of one transfer add once', async () => {
    const saverId = newSaver();
    await goals().create(saverId, goal());
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.creditGoal(saverId, 'goal-1', 'tr-1', 1_000)),
    );
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    expect((await goals().get(saverId, 'goal-1'))?.savedMinor).toBe(1_000);
  });

  test('a replace (PATCH) keeps the credits, and a credit makes a stale PATCH conflict', async () => {
    const saverId = newSaver();
    await goals().create(saverId, goal());
    const before = await goals().get(saverId, 'goal-1');
    await store.creditGoal(saverId, 'goal-1', 'tr-1', 2_000);
    const { version: stale, ...value } = before as Goal & { version: number };
    expect(await goals().replace(saverId, { ...value, name: 'Stale' }, stale)).toBe(false);

    const current = await goals().get(saverId, 'goal-1');
    if (!current) throw new Error('goal gone');
    const { version, ...fresh } = current;
    expect(await goals().replace(saverId, { ...fresh, name: 'Rome and Florence' }, version)).toBe(true);
    expect(await store.creditGoal(saverId, 'goal-1', 'tr-1', 2_000)).toBeUndefined();
    expect(await goals().get(saverId, 'goal-1')).toMatchObject({
      name: 'Rome and Florence',
      savedMinor: 2_000,
    });
  });

  test('a missing goal is not credited (and not created)', async () => {
    const saverId = newSaver();
    expect(await store.creditGoal(saverId, 'goal-gone', 'tr-1', 2_000)).toBeUndefined();
    expect(await goals().get(saverId, 'goal-gone')).toBeUndefined();
  });
});

describe('notifications', () => {
  test('notify once per id; ids with colons work', async () => {
    const saverId = newSaver();
    const note = notification('transfer-paid:tr_1', '2026-11-28T10:00:00.000Z');
    expect(await store.notify(saverId, note)).toBe(true);
    expect(await store.notify(saverId, { ...note, title: 'Again' })).toBe(false);
    expect((await store.listNotifications(saverId, { limit: 10 })).items).toEqual([note]);
  });

  test('listNotifications: newest first, a page at a time, with checked cursors', async () => {
    const saverId = newSaver();
    for (let minute = 1; minute <= 5; minute += 1) {
      await store.notify(saverId, notification(`n:${minute}`, `2026-11-28T10:0${minute}:00.000Z`));
    }
    await store.notify(newSaver(), notification('n:9', '2026-11-28T10:09:00.000Z'));
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listNotifications(saverId, { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.flat()).toEqual(['n:5', 'n:4', 'n:3', 'n:2', 'n:1']);
    expect(pages[0]).toHaveLength(2);

    const first = await store.listNotifications(saverId, { limit: 2 });
    const decoded = JSON.parse(Buffer.from(first.nextCursor ?? '', 'base64url').toString('utf8'));
    await expect(
      store.listNotifications(saverId, {
        limit: 2,
        cursor: foreignCursor({ ...decoded, PK: 'SAVER#other' }),
      }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      store.listNotifications(saverId, { limit: 2, cursor: foreignCursor({ ...decoded, SK: 'ENTRY#x' }) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  test('unread count and marking read', async () => {
    const saverId = newSaver();
    for (let minute = 1; minute <= 4; minute += 1) {
      await store.notify(saverId, notification(`n:${minute}`, `2026-11-28T10:0${minute}:00.000Z`));
    }
    await store.notify(saverId, {
      ...notification('n:read', '2026-11-28T10:05:00.000Z'),
      readAt: '2026-11-28T10:06:00.000Z',
    });
    expect(await store.unreadNotifications(saverId)).toBe(4);
    await store.markNotificationsRead(saverId, ['n:1', 'n:2', 'n:missing'], '2026-11-28T11:00:00.000Z');
    expect(await store.unreadNotifications(saverId)).toBe(2);
    await store.markNotificationsRead(saverId, ['n:1', 'n:3'], '2026-11-28T12:00:00.000Z');
    expect(await store.unreadNotifications(saverId)).toBe(1);
    const all = (await store.listNotifications(saverId, { limit: 10 })).items;
    expect(Object.fromEntries(all.map((item) => [item.id, item.readAt]))).toEqual({
      'n:read': '2026-11-28T10:06:00.000Z',
      'n:4': null,
      'n:3': '2026-11-28T12:00:00.000Z',
      'n:2': '2026-11-28T11:00:00.000Z',
      'n:1': '2026-11-28T11:00:00.000Z', // first read time is kept
    });
    expect(await store.unreadNotifications(newSaver())).toBe(0);
  });
});

describe('privacy of the automation data', () => {
  test('erasure removes the saver’s open-transfer markers; export hides bookkeeping', async () => {
    const saverId = newSaver();
    const goals = new SaverItems(table.client, table.tableName, 'GOAL', GoalSchema);
    await goals.create(saverId, {
      id: 'goal-1',
      name: 'Rome',
      emoji: null,
      targetMinor: 10_000,
      currency: 'DKK',
      deadline: null,
      savedMinor: 0,
      status: 'active',
      priority: 0,
      whenReached: 'stop-rules',
    });
    await store.creditGoal(saverId, 'goal-1', 'tr-0', 500);
    await store.createTransfer(saverId, transfer('tr-1', '2026-11-28T10:00:00.000Z'));
    await store.createTransfer(saverId, transfer('tr-2', '2026-11-28T10:01:00.000Z'));
    await store.acquireLease(
      saverId,
      'run-1',
      new Date('2026-11-28T10:00:00Z'),
      new Date('2026-11-28T10:05:00Z'),
    );
    await store.notify(saverId, notification('n:1', '2026-11-28T10:00:00.000Z'));
    const other = newSaver();
    await store.createTransfer(other, transfer('tr-1', '2026-11-28T10:00:00.000Z'));

    const partition = new SaverPartition(table.client, table.tableName);
    const exported = await partition.export(saverId);
    expect(exported.GOAL).toHaveLength(1);
    expect(exported.transfer).toHaveLength(2);
    expect(exported.notification).toHaveLength(1);
    expect(exported['sync-lease']).toBeUndefined();
    expect(JSON.stringify(exported)).not.toMatch(/creditedTransfers|GSI1PK|"PK"/);

    await partition.erase(saverId);
    const open = await allPages((cursor) => store.allOpenTransfers(cursor));
    expect(open.filter((item) => item.saverId === saverId)).toEqual([]);
    expect(open).toContainEqual({ saverId: other, transferId: 'tr-1' });
    expect(await partition.export(saverId)).toEqual({});
  });
});
