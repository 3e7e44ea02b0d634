import { describe, expect, it } from 'vitest';
import {
  type ActivityStore,
  createActivity,
  NotificationsReadSchema,
  toEntryView,
  toTransferView,
} from '#app/activity';
import { Conflict, InvalidInput, NotFound } from '#app/errors';
import type { EntryStatus } from '#domain/entries';
import { isTerminalTransferStatus, type TransferStatus, TransferStatusSchema } from '#domain/transfers';
import type { EntryRef, Notification, StoredEntry, StoredTransfer } from '#store/automation-records';
import { InvalidCursorError } from '#store/saver-items';

const SAVER = 'saver-a';
const NOW = new Date('2026-03-12T09:00:00.000Z');

function entry(id: string, overrides: Partial<StoredEntry> = {}): StoredEntry {
  return {
    id,
    ruleId: 'rule-1',
    goalId: 'rome',
    status: 'transferring',
    amountMinor: 1_000,
    currency: 'DKK',
    trigger: { kind: 'transaction', ref: `t-${id}`, date: '2026-03-10' },
    explanation: 'Rounded 42,00 kr. up to 50,00 kr.',
    skipReason: null,
    createdAt: '2026-03-10T18:00:00.000Z',
    attempt: 2,
    transferId: 'tr_1',
    ...overrides,
  };
}

function transfer(overrides: Partial<StoredTransfer> = {}): StoredTransfer {
  return {
    id: 'tr_1',
    status: 'planned',
    amountMinor: 2_000,
    currency: 'DKK',
    entryIds: ['se_1', 'se_2'],
    bankPaymentId: null,
    createdAt: '2026-03-11T02:00:00.000Z',
    version: 3,
    entryRefs: [
      { id: 'se_1', date: '2026-03-10' },
      { id: 'se_2', date: '2026-03-10' },
    ],
    sourceAccountId: 'DK-source-account',
    savingsAccountId: 'DK-savings-account',
    claimedUntil: null,
    signingUrl: null,
    confirmBy: null,
    failureReason: null,
    updatedAt: '2026-03-11T02:00:00.000Z',
    ...overrides,
  };
}

function notification(id: string, readAt: string | null = null): Notification {
  return {
    id,
    kind: 'transfer-paid',
    title: 'Saved',
    body: '20,00 kr. went to Rome',
    link: null,
    createdAt: '2026-03-11T03:00:00.000Z',
    readAt,
  };
}

/** Just the store methods the activity use cases call, in memory, for one or more savers. */
function fakeStore(seed: {
  entries?: Record<string, StoredEntry[]>;
  transfers?: Record<string, StoredTransfer[]>;
  notifications?: Record<string, Notification[]>;
}) {
  const entries = new Map(Object.entries(seed.entries ?? {}).map(([saver, list]) => [saver, [...list]]));
  const transfers = new Map(Object.entries(seed.transfers ?? {}).map(([saver, list]) => [saver, [...list]]));
  const notifications = new Map(
    Object.entries(seed.notifications ?? {}).map(([saver, list]) => [saver, [...list]]),
  );
  const calls = {
    transitions: [] as unknown[][],
    entryUpdates: [] as { ref: EntryRef; from: readonly EntryStatus[]; status: EntryStatus }[],
    marked: [] as string[][],
    listOptions: [] as { cursor?: string; limit: number }[],
  };
  /** Pages by index; the cursor is the next index as a string. */
  const page = <T>(items: T[], options: { cursor?: string; limit: number }) => {
    calls.listOptions.push(options);
    if (options.cursor !== undefined && !/^\d+$/.test(options.cursor)) {
      throw new InvalidCursorError('The cursor is not one we issued.');
    }
    const start = options.cursor ? Number(options.cursor) : 0;
    const end = start + options.limit;
    return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
  };
  /** When set, the next transition loses the race: the transfer moved to this status just before. */
  let raceTo: TransferStatus | undefined;

  const store: ActivityStore = {
    listEntries: async (saverId, options) => page(entries.get(saverId) ?? [], options),
    listTransfers: async (saverId, options) => page(transfers.get(saverId) ?? [], options),
    openTransfers: async (saverId) =>
      (transfers.get(saverId) ?? []).filter((t) => !isTerminalTransferStatus(t.status)),
    getTransfer: async (saverId, id) => (transfers.get(saverId) ?? []).find((t) => t.id === id),
    transitionTransfer: async (saverId, id, expected, patch, at) => {
      calls.transitions.push([saverId, id, expected, patch, at]);
      const list = transfers.get(saverId) ?? [];
      const index = list.findIndex((t) => t.id === id);
      const current = list[index];
      if (!current) return undefined;
      if (raceTo) {
        list[index] = { ...current, status: raceTo, version: current.version + 1 };
        raceTo = undefined;
        return undefined;
      }
      if (current.status !== expected.status || current.version !== expected.version) return undefined;
      const next = { ...current, ...patch, version: current.version + 1, updatedAt: at };
      list[index] = next;
      return next;
    },
    updateEntry: async (saverId, ref, from, patch) => {
      calls.entryUpdates.push({ ref, from, status: patch.status });
      const list = entries.get(saverId) ?? [];
      const index = list.findIndex((e) => e.id === ref.id && e.trigger.date === ref.date);
      const current = list[index];
      if (!current || !from.includes(current.status)) return false;
      list[index] = { ...current, ...patch };
      return true;
    },
    listNotifications: async (saverId, options) => page(notifications.get(saverId) ?? [], options),
    unreadNotifications: async (saverId) =>
      (notifications.get(saverId) ?? []).filter((n) => n.readAt === null).length,
    markNotificationsRead: async (saverId, ids, at) => {
      calls.marked.push([...ids]);
      const list = notifications.get(saverId) ?? [];
      for (const [index, item] of list.entries()) {
        if (ids.includes(item.id) && item.readAt === null) list[index] = { ...item, readAt: at };
      }
    },
  };
  return {
    store,
    calls,
    entries,
    transfers,
    notifications,
    loseNextRaceTo: (status: TransferStatus) => {
      raceTo = status;
    },
  };
}

const activityWith = (fake: ReturnType<typeof fakeStore>) =>
  createActivity({ store: fake.store, now: () => NOW });

describe('views', () => {
  it('an entry view is the domain entry plus its transfer id, without the retry counter', () => {
    const view = toEntryView({ ...entry('se_1'), ...{ PK: 'SAVER#x', version: 7 } } as StoredEntry);
    expect(view).toEqual({
      id: 'se_1',
      ruleId: 'rule-1',
      goalId: 'rome',
      status: 'transferring',
      amountMinor: 1_000,
      currency: 'DKK',
      trigger: { kind: 'transaction', ref: 't-se_1', date: '2026-03-10' },
      explanation: 'Rounded 42,00 kr. up to 50,00 kr.',
      skipReason: null,
      createdAt: '2026-03-10T18:00:00.000Z',
      transferId: 'tr_1',
    });
    expect(view).not.toHaveProperty('attempt');
    expect(toEntryView(entry('se_2', { transferId: null, status: 'pending' })).transferId).toBeNull();
  });

  it('a transfer view hides account ids, version, entry refs and the worker claim', () => {
    const view = toTransferView(
      transfer({
        status: 'awaiting_confirmation',
        signingUrl: 'https://bank.example/sign',
        confirmBy: '2026-03-12T02:00:00.000Z',
        claimedUntil: '2026-03-11T02:05:00.000Z',
      }),
    );
    expect(Object.keys(view).sort()).toEqual(
      [
        'id',
        'status',
        'amountMinor',
        'currency',
        'entryIds',
        'bankPaymentId',
        'createdAt',
        'updatedAt',
        'signingUrl',
        'confirmBy',
        'failureReason',
      ].sort(),
    );
    expect(view).toMatchObject({
      signingUrl: 'https://bank.example/sign',
      confirmBy: '2026-03-12T02:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toMatch(/DK-source-account|DK-savings-account|entryRefs|claimedUntil/);
  });
});

describe('lists', () => {
  it('pages entries with the default size of 50 and the cursor passed through', async () => {
    const fake = fakeStore({
      entries: { [SAVER]: Array.from({ length: 60 }, (_, index) => entry(`se_${index}`)) },
    });
    const activity = activityWith(fake);
    const first = await activity.entries(SAVER, {});
    expect(first.items).toHaveLength(50);
    expect(first.items[0]).not.toHaveProperty('attempt');
    expect(fake.calls.listOptions.at(-1)).toEqual({ limit: 50 });
    const second = await activity.entries(SAVER, { cursor: first.nextCursor ?? undefined, limit: 20 });
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.items.map((item) => item.id)).toEqual(
      Array.from({ length: 10 }, (_, index) => `se_${index + 50}`),
    );
  });

  it('a cursor the store does not accept is invalid input (400), not a server error', async () => {
    const activity = activityWith(fakeStore({}));
    await expect(activity.entries(SAVER, { cursor: 'forged' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(activity.transfers(SAVER, { cursor: 'forged' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(activity.notifications(SAVER, { cursor: 'forged' })).rejects.toBeInstanceOf(InvalidInput);
  });

  it('lists transfers as views', async () => {
    const fake = fakeStore({ transfers: { [SAVER]: [transfer({ id: 'tr_2' }), transfer()] } });
    const { items, nextCursor } = await activityWith(fake).transfers(SAVER, { limit: 1 });
    expect(items).toEqual([toTransferView(transfer({ id: 'tr_2' }))]);
    expect(nextCursor).toBe('1');
  });

  it('notifications come with the unread count over all of them', async () => {
    const fake = fakeStore({
      notifications: {
        [SAVER]: [notification('n3'), notification('n2'), notification('n1', '2026-03-11T05:00:00Z')],
      },
    });
    const result = await activityWith(fake).notifications(SAVER, { limit: 1 });
    expect(result).toEqual({ items: [notification('n3')], nextCursor: '1', unread: 2 });
  });
});

describe('one transfer', () => {
  it('is found only among the saver’s own transfers', async () => {
    const fake = fakeStore({ transfers: { [SAVER]: [transfer()] } });
    const activity = activityWith(fake);
    expect(await activity.transfer(SAVER, 'tr_1')).toEqual(toTransferView(transfer()));
    await expect(activity.transfer('saver-b', 'tr_1')).rejects.toBeInstanceOf(NotFound);
    await expect(activity.transfer(SAVER, 'tr_missing')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('cancelling a transfer', () => {
  const seeded = (status: TransferStatus, overrides: Partial<StoredTransfer> = {}) =>
    fakeStore({
      transfers: { [SAVER]: [transfer({ status, ...overrides })] },
      entries: { [SAVER]: [entry('se_1'), entry('se_2', { status: 'pending' }), entry('se_3')] },
    });

  it('a planned transfer is cancelled at the version read, and its entries with it', async () => {
    const fake = seeded('planned');
    const view = await activityWith(fake).cancelTransfer(SAVER, 'tr_1');
    expect(view).toMatchObject({ id: 'tr_1', status: 'cancelled', updatedAt: NOW.toISOString() });
    expect(view).not.toHaveProperty('version');
    expect(fake.calls.transitions).toEqual([
      [SAVER, 'tr_1', { status: 'planned', version: 3 }, { status: 'cancelled' }, NOW.toISOString()],
    ]);
    expect(fake.calls.entryUpdates).toEqual([
      { ref: { id: 'se_1', date: '2026-03-10' }, from: ['transferring', 'pending'], status: 'cancelled' },
      { ref: { id: 'se_2', date: '2026-03-10' }, from: ['transferring', 'pending'], status: 'cancelled' },
    ]);
    expect(fake.entries.get(SAVER)?.map((item) => [item.id, item.status])).toEqual([
      ['se_1', 'cancelled'],
      ['se_2', 'cancelled'],
      // Not the transfer's: untouched.
      ['se_3', 'transferring'],
    ]);
  });

  const refusals: Record<Exclude<TransferStatus, 'planned'>, RegExp> = {
    awaiting_confirmation: /decline it there.*expires by itself at 2026-03-12T02:00:00.000Z/i,
    submitting: /already with the bank/,
    submitted: /already with the bank/,
    unknown: /already with the bank/,
    paid: /already paid/,
    rejected: /already rejected/,
    expired: /already expired/,
    cancelled: /already cancelled/,
  };

  it('covers every transfer status', () => {
    expect(new Set(['planned', ...Object.keys(refusals)])).toEqual(new Set(TransferStatusSchema.options));
  });

  for (const [status, detail] of Object.entries(refusals) as [TransferStatus, RegExp][]) {
    it(`a transfer that is ${status} is refused with 409 and nothing changes`, async () => {
      const fake = seeded(status, { confirmBy: '2026-03-12T02:00:00.000Z' });
      const attempt = activityWith(fake).cancelTransfer(SAVER, 'tr_1');
      await expect(attempt).rejects.toBeInstanceOf(Conflict);
      await expect(attempt).rejects.toThrow(detail);
      expect(fake.calls.transitions).toEqual([]);
      expect(fake.calls.entryUpdates).toEqual([]);
      expect(fake.transfers.get(SAVER)?.[0]?.status).toBe(status);
    });
  }

  it('losing the race to a worker that claimed it is a 409 saying it is with the bank', async () => {
    const fake = seeded('planned');
    fake.loseNextRaceTo('submitting');
    const attempt = activityWith(fake).cancelTransfer(SAVER, 'tr_1');
    await expect(attempt).rejects.toBeInstanceOf(Conflict);
    await expect(attempt).rejects.toThrow(/already with the bank/);
    expect(fake.calls.entryUpdates).toEqual([]);
    expect(fake.entries.get(SAVER)?.map((item) => item.status)).toEqual([
      'transferring',
      'pending',
      'transferring',
    ]);
  });

  it('losing the race to a change that kept it planned is a 409 asking to reload', async () => {
    const fake = seeded('planned');
    fake.loseNextRaceTo('planned');
    await expect(activityWith(fake).cancelTransfer(SAVER, 'tr_1')).rejects.toThrow(/changed meanwhile/);
  });

  it('another saver’s transfer or an unknown id is not found, and nothing changes', async () => {
    const fake = seeded('planned');
    const activity = activityWith(fake);
    await expect(activity.cancelTransfer('saver-b', 'tr_1')).rejects.toBeInstanceOf(NotFound);
    await expect(activity.cancelTransfer(SAVER, 'tr_nope')).rejects.toBeInstanceOf(NotFound);
    expect(fake.calls.transitions).toEqual([]);
    expect(fake.transfers.get(SAVER)?.[0]?.status).toBe('planned');
  });

  it('an entry that already moved on is left as it is', async () => {
    const fake = fakeStore({
      transfers: { [SAVER]: [transfer()] },
      entries: { [SAVER]: [entry('se_1', { status: 'saved' }), entry('se_2')] },
    });
    await activityWith(fake).cancelTransfer(SAVER, 'tr_1');
    expect(fake.entries.get(SAVER)?.map((item) => item.status)).toEqual(['saved', 'cancelled']);
  });
});

describe('marking notifications read', () => {
  it('marks the given ids (once each)', async () => {
    const fake = fakeStore({ notifications: { [SAVER]: [notification('n2'), notification('n1')] } });
    await activityWith(fake).markRead(SAVER, { ids: ['n1', 'n1'] });
    expect(fake.calls.marked).toEqual([['n1']]);
    expect(fake.notifications.get(SAVER)?.map((item) => item.readAt)).toEqual([null, NOW.toISOString()]);
  });

  it('all: pages through every notification and marks the unread ones', async () => {
    const many = Array.from({ length: 250 }, (_, index) =>
      notification(`n${index}`, index % 2 === 0 ? null : '2026-03-01T00:00:00.000Z'),
    );
    const fake = fakeStore({ notifications: { [SAVER]: many } });
    const activity = activityWith(fake);
    await activity.markRead(SAVER, { all: true });
    expect(fake.calls.marked).toHaveLength(3);
    expect(fake.calls.marked.flat()).toHaveLength(125);
    expect((await activity.notifications(SAVER, {})).unread).toBe(0);
  });

  it('the body is exactly one of {ids} or {all: true}', () => {
    const valid = (body: unknown) => NotificationsReadSchema.safeParse(body).success;
    expect(valid({ ids: ['transfer-paid:tr_1'] })).toBe(true);
    expect(valid({ all: true })).toBe(true);
    expect(valid({ ids: ['a'], all: true })).toBe(false);
    expect(valid({ all: false })).toBe(false);
    expect(valid({ ids: [] })).toBe(false);
    expect(valid({ ids: Array.from({ length: 101 }, (_, index) => `n${index}`) })).toBe(false);
    expect(valid({ ids: ['a'], extra: 1 })).toBe(false);
    expect(valid({})).toBe(false);
  });
});
