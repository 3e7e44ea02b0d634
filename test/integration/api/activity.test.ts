import { describe, expect, test } from 'vitest';
import type { Notification, StoredEntry, StoredTransfer } from '#store/automation-records';
import { DynamoAutomationStore } from '#store/automation-store';
import { dynamoDocumentClient } from '#store/client';
import { type ApiClient, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

/** The automation's store on the test system's dynalite: how these tests put in what the jobs would. */
const store = () => new DynamoAutomationStore(dynamoDocumentClient(), local.system.tableName);

interface ListBody<T> {
  items: T[];
  nextCursor: string | null;
}

const day = (index: number) => `2026-03-${String(index + 1).padStart(2, '0')}`;

function entry(index: number, overrides: Partial<StoredEntry> = {}): StoredEntry {
  return {
    id: `se_${String(index).padStart(3, '0')}`,
    ruleId: 'rule_roundup',
    goalId: 'goal_rome',
    status: 'saved',
    amountMinor: 100 + index,
    currency: 'DKK',
    trigger: { kind: 'transaction', ref: `tx-${index}`, date: day(index) },
    explanation: `Rounded purchase ${index} up`,
    skipReason: null,
    createdAt: `${day(index)}T18:00:00.000Z`,
    attempt: 0,
    transferId: null,
    ...overrides,
  };
}

function transfer(
  id: string,
  entries: StoredEntry[],
  overrides: Partial<StoredTransfer> = {},
): StoredTransfer {
  const createdAt = overrides.createdAt ?? '2026-03-20T02:00:00.000Z';
  return {
    id,
    status: 'planned',
    amountMinor: entries.reduce((sum, item) => sum + item.amountMinor, 0),
    currency: 'DKK',
    entryIds: entries.map((item) => item.id),
    bankPaymentId: null,
    createdAt,
    version: 1,
    entryRefs: entries.map((item) => ({ id: item.id, date: item.trigger.date })),
    sourceAccountId: 'DK-SECRET-SOURCE-ACCOUNT',
    savingsAccountId: 'DK-SECRET-SAVINGS-ACCOUNT',
    claimedUntil: null,
    signingUrl: null,
    confirmBy: null,
    failureReason: null,
    updatedAt: createdAt,
    ...overrides,
  };
}

function notification(index: number, readAt: string | null = null): Notification {
  return {
    id: `transfer-paid:tr_${index}`,
    kind: 'transfer-paid',
    title: `Saved ${index}`,
    body: 'Money went to Rome',
    link: null,
    createdAt: `2026-03-${String(index + 1).padStart(2, '0')}T08:00:00.000Z`,
    readAt,
  };
}

async function seedEntries(saverId: string, entries: StoredEntry[]) {
  for (const item of entries) expect(await store().putEntryIfAbsent(saverId, item)).toBe(true);
}

async function pages<T>(path: string, token: string, limit: number): Promise<T[][]> {
  const result: T[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await api<ListBody<T>>('GET', `${path}${query}`, { token });
    expect(response.status).toBe(200);
    result.push(response.body.items);
    cursor = response.body.nextCursor;
  } while (cursor && result.length < 20);
  return result;
}

describe('activity', () => {
  test('lists savings entries newest first, page by page, without internals', async () => {
    const { token, saverId } = await local.newSaver('activity');
    const entries = Array.from({ length: 5 }, (_, index) =>
      entry(index, index === 4 ? { status: 'transferring', transferId: 'tr_x', attempt: 2 } : {}),
    );
    await seedEntries(saverId, entries);

    const seen = await pages<Record<string, unknown>>('/api/activity', token, 2);
    expect(seen.map((page) => page.length)).toEqual([2, 2, 1]);
    const ids = seen.flat().map((item) => item.id);
    expect(ids).toEqual(['se_004', 'se_003', 'se_002', 'se_001', 'se_000']);
    const [newest] = seen.flat();
    expect(newest).toEqual({
      id: 'se_004',
      ruleId: 'rule_roundup',
      goalId: 'goal_rome',
      status: 'transferring',
      amountMinor: 104,
      currency: 'DKK',
      trigger: { kind: 'transaction', ref: 'tx-4', date: '2026-03-05' },
      explanation: 'Rounded purchase 4 up',
      skipReason: null,
      createdAt: '2026-03-05T18:00:00.000Z',
      transferId: 'tr_x',
    });

    const all = await api<ListBody<unknown>>('GET', '/api/activity', { token });
    expect(all.body.items).toHaveLength(5);
    expect(all.body.nextCursor).toBeNull();
  });

  test('bounds the page size and refuses unknown query fields', async () => {
    const { token } = await local.newSaver('activity');
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=2.5', 'page=2']) {
      const response = await api('GET', `/api/activity?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api('GET', '/api/activity?limit=100', { token })).status).toBe(200);
  });

  test('another saver’s cursor or entries are out of reach', async () => {
    const ann = await local.newSaver('activity');
    const eve = await local.newSaver('activity');
    await seedEntries(ann.saverId, [entry(0), entry(1), entry(2)]);
    const first = await api<ListBody<unknown>>('GET', '/api/activity?limit=1', { token: ann.token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await api<ListBody<unknown>>('GET', '/api/activity', { token: eve.token })).body.items).toEqual(
      [],
    );
    const stolen = await api<ListBody<unknown>>(
      'GET',
      `/api/activity?cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { token: eve.token },
    );
    // A cursor names a key in Ann's partition: refused as not one issued to Eve.
    expect(stolen.status).toBe(400);
    expect(stolen.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('transfers', () => {
  test('lists transfers newest first as views without account ids or bookkeeping', async () => {
    const { token, saverId } = await local.newSaver('transfers');
    const entries = Array.from({ length: 3 }, (_, index) => entry(index, { status: 'saved' }));
    await seedEntries(saverId, entries);
    const older = transfer('tr_older', [entries[0] as StoredEntry], {
      status: 'paid',
      bankPaymentId: 'pay-1',
      createdAt: '2026-03-10T02:00:00.000Z',
    });
    const middle = transfer('tr_middle', [entries[1] as StoredEntry], {
      status: 'awaiting_confirmation',
      bankPaymentId: 'pay-2',
      signingUrl: 'https://bank.example/sign/pay-2',
      confirmBy: '2026-03-12T02:00:00.000Z',
      createdAt: '2026-03-11T02:00:00.000Z',
    });
    const newest = transfer('tr_newest', [entries[2] as StoredEntry], {
      createdAt: '2026-03-12T02:00:00.000Z',
    });
    for (const item of [older, middle, newest])
      expect(await store().createTransfer(saverId, item)).toBe(true);

    const seen = await pages<Record<string, unknown>>('/api/transfers', token, 2);
    expect(seen.map((page) => page.length)).toEqual([2, 1]);
    expect(seen.flat().map((item) => item.id)).toEqual(['tr_newest', 'tr_middle', 'tr_older']);
    expect(seen.flat()[1]).toEqual({
      id: 'tr_middle',
      status: 'awaiting_confirmation',
      amountMinor: 101,
      currency: 'DKK',
      entryIds: ['se_001'],
      bankPaymentId: 'pay-2',
      createdAt: '2026-03-11T02:00:00.000Z',
      updatedAt: '2026-03-11T02:00:00.000Z',
      signingUrl: 'https://bank.example/sign/pay-2',
      confirmBy: '2026-03-12T02:00:00.000Z',
      failureReason: null,
    });
    expect(JSON.stringify(seen)).not.toMatch(/DK-SECRET|entryRefs|claimedUntil|"version"/);

    const one = await api('GET', '/api/transfers/tr_older', { token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'tr_older', status: 'paid', bankPaymentId: 'pay-1' });
    expect((await api('GET', '/api/transfers/tr_nothing', { token })).status).toBe(404);
  });

  test('cancelling a planned transfer cancels it and its entries', async () => {
    const { token, saverId } = await local.newSaver('transfers');
    const entries = [
      entry(0, { status: 'transferring', transferId: 'tr_plan' }),
      entry(1, { status: 'transferring', transferId: 'tr_plan' }),
    ];
    const bystander = entry(2, { status: 'pending' });
    await seedEntries(saverId, [...entries, bystander]);
    expect(await store().createTransfer(saverId, transfer('tr_plan', entries))).toBe(true);

    const cancelled = await api('POST', '/api/transfers/tr_plan/cancel', { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id: 'tr_plan',
      status: 'cancelled',
      entryIds: ['se_000', 'se_001'],
    });
    expect((await api('GET', '/api/transfers/tr_plan', { token })).body.status).toBe('cancelled');

    const stored = await store().getTransfer(saverId, 'tr_plan');
    expect(stored?.status).toBe('cancelled');
    const { body } = await api<ListBody<{ id: string; status: string }>>('GET', '/api/activity', { token });
    expect(Object.fromEntries(body.items.map((item) => [item.id, item.status]))).toEqual({
      se_000: 'cancelled',
      se_001: 'cancelled',
      se_002: 'pending',
    });

    // Cancelling again: it is already cancelled.
    const again = await api('POST', '/api/transfers/tr_plan/cancel', { token });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already cancelled/);
  });

  test('a transfer past planning cannot be cancelled: 409 problem with the reason', async () => {
    const { token, saverId } = await local.newSaver('transfers');
    const paidEntry = entry(0, { status: 'saved', transferId: 'tr_paid' });
    const waitingEntry = entry(1, { status: 'transferring', transferId: 'tr_wait' });
    const sentEntry = entry(2, { status: 'transferring', transferId: 'tr_sent' });
    await seedEntries(saverId, [paidEntry, waitingEntry, sentEntry]);
    await store().createTransfer(
      saverId,
      transfer('tr_paid', [paidEntry], { status: 'paid', bankPaymentId: 'pay-9' }),
    );
    await store().createTransfer(
      saverId,
      transfer('tr_wait', [waitingEntry], {
        status: 'awaiting_confirmation',
        bankPaymentId: 'pay-10',
        confirmBy: '2026-03-21T02:00:00.000Z',
      }),
    );
    await store().createTransfer(
      saverId,
      transfer('tr_sent', [sentEntry], { status: 'submitted', bankPaymentId: 'pay-11' }),
    );

    const paid = await api('POST', '/api/transfers/tr_paid/cancel', { token });
    expect(paid.status).toBe(409);
    expect(paid.headers.get('content-type')).toContain('application/problem+json');
    expect(paid.body).toMatchObject({
      status: 409,
      title: 'Conflict',
      detail: expect.stringMatching(/already paid/),
    });

    const waiting = await api('POST', '/api/transfers/tr_wait/cancel', { token });
    expect(waiting.status).toBe(409);
    expect(waiting.body.detail).toMatch(/decline it there.*2026-03-21T02:00:00.000Z/i);

    const sent = await api('POST', '/api/transfers/tr_sent/cancel', { token });
    expect(sent.status).toBe(409);
    expect(sent.body.detail).toMatch(/already with the bank/);

    for (const [id, status] of [
      ['tr_paid', 'paid'],
      ['tr_wait', 'awaiting_confirmation'],
      ['tr_sent', 'submitted'],
    ] as const) {
      expect((await store().getTransfer(saverId, id))?.status).toBe(status);
    }
    const stored = await store().getEntries(
      saverId,
      [paidEntry, waitingEntry, sentEntry].map((item) => ({ id: item.id, date: item.trigger.date })),
    );
    expect(stored.map((item) => item.status).sort()).toEqual(['saved', 'transferring', 'transferring']);
  });

  test('one saver cannot see or cancel another saver’s transfer (BOLA)', async () => {
    const ann = await local.newSaver('transfers');
    const eve = await local.newSaver('transfers');
    const annEntry = entry(0, { status: 'transferring', transferId: 'tr_ann' });
    await seedEntries(ann.saverId, [annEntry]);
    const original = transfer('tr_ann', [annEntry]);
    expect(await store().createTransfer(ann.saverId, original)).toBe(true);

    const peek = await api('GET', '/api/transfers/tr_ann', { token: eve.token });
    expect(peek.status).toBe(404);
    const cancel = await api('POST', '/api/transfers/tr_ann/cancel', { token: eve.token });
    expect(cancel.status).toBe(404);
    expect((await api<ListBody<unknown>>('GET', '/api/transfers', { token: eve.token })).body.items).toEqual(
      [],
    );

    const stored = await store().getTransfer(ann.saverId, 'tr_ann');
    expect(stored).toMatchObject({ status: 'planned', updatedAt: original.updatedAt });
    const [storedEntry] = await store().getEntries(ann.saverId, [
      { id: annEntry.id, date: annEntry.trigger.date },
    ]);
    expect(storedEntry?.status).toBe('transferring');
    expect((await api('GET', '/api/transfers/tr_ann', { token: ann.token })).body.status).toBe('planned');
  });

  test('ids that are not ids are refused before anything is read', async () => {
    const { token } = await local.newSaver('transfers');
    expect((await api('GET', `/api/transfers/${'x'.repeat(65)}`, { token })).status).toBe(400);
    expect((await api('POST', '/api/transfers/a%23b/cancel', { token })).status).toBe(400);
  });
});

describe('notifications', () => {
  test('newest first with the unread count; read by ids or all', async () => {
    const { token, saverId } = await local.newSaver('notifications');
    for (const index of [0, 1, 2, 3]) {
      expect(
        await store().notify(saverId, notification(index, index === 0 ? '2026-03-02T00:00:00.000Z' : null)),
      ).toBe(true);
    }
    type Listed = ListBody<Notification> & { unread: number };
    const first = await api<Listed>('GET', '/api/notifications?limit=3', { token });
    expect(first.status).toBe(200);
    expect(first.body.unread).toBe(3);
    expect(first.body.items.map((item) => item.id)).toEqual([
      'transfer-paid:tr_3',
      'transfer-paid:tr_2',
      'transfer-paid:tr_1',
    ]);
    expect(first.body.items[0]).toEqual(notification(3));
    const rest = await api<Listed>(
      'GET',
      `/api/notifications?limit=3&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { token },
    );
    expect(rest.body.items.map((item) => item.id)).toEqual(['transfer-paid:tr_0']);
    expect(rest.body.nextCursor).toBeNull();

    const read = await api('POST', '/api/notifications/read', {
      token,
      body: { ids: ['transfer-paid:tr_3'] },
    });
    expect(read.status).toBe(204);
    const afterOne = await api<Listed>('GET', '/api/notifications', { token });
    expect(afterOne.body.unread).toBe(2);
    expect(afterOne.body.items[0]?.readAt).toEqual(expect.any(String));

    expect((await api('POST', '/api/notifications/read', { token, body: { all: true } })).status).toBe(204);
    const afterAll = await api<Listed>('GET', '/api/notifications', { token });
    expect(afterAll.body.unread).toBe(0);
    expect(afterAll.body.items.every((item) => item.readAt !== null)).toBe(true);
  });

  test('the read body is strict: exactly one of ids or all', async () => {
    const { token } = await local.newSaver('notifications');
    for (const body of [
      { ids: ['a'], extra: true },
      { all: true, ids: ['a'] },
      { all: false },
      { ids: [] },
      {},
      { ids: Array.from({ length: 101 }, (_, index) => `n${index}`) },
    ]) {
      const response = await api('POST', '/api/notifications/read', { token, body });
      expect(response.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  test('marking read never reaches another saver’s notifications', async () => {
    const ann = await local.newSaver('notifications');
    const eve = await local.newSaver('notifications');
    await store().notify(ann.saverId, notification(5));
    expect(
      (
        await api('POST', '/api/notifications/read', {
          token: eve.token,
          body: { ids: ['transfer-paid:tr_5'] },
        })
      ).status,
    ).toBe(204);
    expect(
      (await api('POST', '/api/notifications/read', { token: eve.token, body: { all: true } })).status,
    ).toBe(204);
    const annList = await api<{ unread: number }>('GET', '/api/notifications', { token: ann.token });
    expect(annList.body.unread).toBe(1);
    expect(
      (await api<{ items: unknown[] }>('GET', '/api/notifications', { token: eve.token })).body.items,
    ).toEqual([]);
  });
});

test('every activity route needs the saver’s access token', async () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/api/activity'],
    ['GET', '/api/transfers'],
    ['GET', '/api/transfers/tr_1'],
    ['POST', '/api/transfers/tr_1/cancel'],
    ['GET', '/api/notifications'],
    ['POST', '/api/notifications/read', { all: true }],
  ];
  for (const [method, path, body] of routes) {
    const anonymous = await api(method, path, body === undefined ? {} : { body });
    expect(anonymous.status, `${method} ${path}`).toBe(401);
    const forged = await api(method, path, { token: 'not-a-token', ...(body === undefined ? {} : { body }) });
    expect(forged.status, `${method} ${path}`).toBe(401);
  }
});
