import { describe, expect, test } from 'vitest';
import { linkedSaver, paymentsFor, purchase, syncRound } from '#test/support/automation';
import { withTestSystem } from '#test/support/local-system';

const local = withTestSystem();

interface Entry {
  id: string;
  status: string;
  amountMinor: number;
  explanation: string;
  transferId: string | null;
  trigger: { kind: string; ref: string };
}
interface Transfer {
  id: string;
  status: string;
  amountMinor: number;
  entryIds: string[];
  bankPaymentId: string | null;
}

describe('the unattended pipeline', () => {
  test('a linked saver is synced, rounded up, transferred and credited exactly once', async () => {
    const saver = await linkedSaver(local);
    await purchase(local, saver.sourceAccountId, '47.50');
    await purchase(local, saver.sourceAccountId, '12.00', { counterparty: 'Lagkagehuset' });
    await purchase(local, saver.sourceAccountId, '30.00', { status: 'reserved', counterparty: 'Shell' });

    await syncRound(local);

    const activity = await local.api<{ items: Entry[] }>('GET', '/api/activity', { token: saver.token });
    const amounts = activity.body.items.map((entry) => entry.amountMinor).sort((a, b) => a - b);
    // 47.50 → 50 (2.50), 12.00 → 20 (8.00); the reserved 30.00 makes nothing.
    expect(amounts).toEqual([250, 800]);
    const transfers = await local.api<{ items: Transfer[] }>('GET', '/api/transfers', { token: saver.token });
    expect(transfers.body.items).toHaveLength(1);
    const [transfer] = transfers.body.items;
    expect(transfer).toMatchObject({ status: 'paid', amountMinor: 1050 });
    expect(activity.body.items.every((entry) => entry.status === 'saved')).toBe(true);

    const payments = await paymentsFor(local, transfer?.id ?? '');
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ create_requests: 1, instructed_amount: { amount: '10.50' } });

    const goal = await local.api<{ savedMinor: number; projection: { pacePerWeekMinor: number } }>(
      'GET',
      `/api/goals/${saver.goalId}`,
      { token: saver.token },
    );
    expect(goal.body.savedMinor).toBe(1050);
    // The paid saves give the goal its pace (10.50 kr over the 4-week window).
    expect(goal.body.projection.pacePerWeekMinor).toBeGreaterThan(0);

    // A second round right away: nothing new, nothing sent again (the saver is not due yet either).
    await syncRound(local);
    const again = await local.api<{ items: Transfer[] }>('GET', '/api/transfers', { token: saver.token });
    expect(again.body.items).toHaveLength(1);
    expect(await paymentsFor(local, transfer?.id ?? '')).toHaveLength(1);
  });

  test('POST /api/bank/sync reads the bank with the saver present and queues the transfer it plans', async () => {
    const saver = await linkedSaver(local);
    await purchase(local, saver.sourceAccountId, '19.00');
    const sync = await local.api<{ outcome: string; entriesCreated: number; transferPlanned: string | null }>(
      'POST',
      '/api/bank/sync',
      { token: saver.token },
    );
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ outcome: 'synced', entriesCreated: 1 });
    expect(sync.body.transferPlanned).toEqual(expect.any(String));
    // The API never pays: the executor does, from the queue.
    expect(await paymentsFor(local, sync.body.transferPlanned ?? '')).toHaveLength(0);
    const waiting = await local.api<{ items: Entry[] }>('GET', '/api/activity', { token: saver.token });
    expect(waiting.body.items.map(({ status, transferId }) => ({ status, transferId }))).toEqual([
      { status: 'transferring', transferId: sync.body.transferPlanned },
    ]);
    await local.system.runJob('execute-transfers');
    expect(await paymentsFor(local, sync.body.transferPlanned ?? '')).toHaveLength(1);
    const transfer = await local.api<Transfer>('GET', `/api/transfers/${sync.body.transferPlanned}`, {
      token: saver.token,
    });
    expect(transfer.body).toMatchObject({ status: 'paid', amountMinor: 100 });
  });

  test('POST /api/bank/sync without a linked bank is a 404 problem', async () => {
    const { token } = await local.newSaver('unlinked');
    const sync = await local.api('POST', '/api/bank/sync', { token });
    expect(sync.status).toBe(404);
    expect(sync.headers.get('content-type')).toContain('application/problem+json');
  });
});
