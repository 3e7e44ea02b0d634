import { expect } from 'vitest';
import { automation } from '#app/automation-wiring';
import { STRANDED_PLANNED_MS } from '#app/transfers';
import { config } from '#config/env';
import { localDateOf } from '#domain/calendar';
import { GoalSchema } from '#domain/goals';
import { isTerminalTransferStatus } from '#domain/transfers';
import type { StoredEntry, StoredTransfer } from '#store/automation-records';
import { dynamoDocumentClient } from '#store/client';
import { SaverItems } from '#store/saver-items';
import { type ApiClient, followBankLink, type withTestSystem } from './local-system.ts';

type TestSystem = ReturnType<typeof withTestSystem>;

/** The simulator's loopback admin API (DESIGN §6). */
export function simulatorAdmin(local: TestSystem) {
  const base = () => `http://127.0.0.1:${local.system.ports.simulator}/__admin`;
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base()}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator admin ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

export interface SimulatedPayment {
  _id: string;
  external_id?: string;
  payment_status: string;
  instructed_amount: { amount: string; currency: string };
  create_requests: number;
}

export interface LinkedSaver {
  token: string;
  saverId: string;
  sourceAccountId: string;
  savingsAccountId: string;
  goalId: string;
  ruleId: string;
}

/** Today in Copenhagen, the date the bank books on and the rules count by. */
export const bankToday = (): string => localDateOf(new Date(), 'Europe/Copenhagen');

/**
 * A saver as after onboarding: signed up, Nordea linked (simulator straight back), a goal and a
 * round-up rule (to the next 10 kr), no balance floor and a 1 kr minimum transfer so every test
 * decides its own limits.
 */
export async function linkedSaver(
  local: TestSystem,
  settings: Record<string, unknown> = {},
): Promise<LinkedSaver> {
  const api: ApiClient = local.api;
  const { token, saverId } = await local.newSaver('auto');
  const { callback } = await followBankLink(api, token);
  expect(callback.headers.get('location')).toContain('bank=linked');
  const bank = await api<{ sourceAccountId: string; savingsAccountId: string }>('GET', '/api/bank', {
    token,
  });
  const patched = await api('PATCH', '/api/me', {
    token,
    body: { balanceFloorMinor: 0, minimumTransferMinor: 100, ...settings },
  });
  expect(patched.status).toBe(200);
  const goal = await api<{ id: string }>('POST', '/api/goals', {
    token,
    body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
  });
  const rule = await api<{ id: string }>('POST', '/api/rules', {
    token,
    body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
  });
  expect(rule.status).toBe(201);
  return {
    token,
    saverId,
    sourceAccountId: bank.body.sourceAccountId,
    savingsAccountId: bank.body.savingsAccountId,
    goalId: goal.body.id,
    ruleId: rule.body.id,
  };
}

/** A card purchase at the simulated bank, booked today unless told otherwise. */
export async function purchase(
  local: TestSystem,
  accountId: string,
  amount: string,
  options: { status?: 'billed' | 'reserved'; counterparty?: string; date?: string } = {},
): Promise<{ transaction_id: string }> {
  return simulatorAdmin(local)('POST', `/accounts/${encodeURIComponent(accountId)}/transactions`, {
    amount: `-${amount}`,
    currency: 'DKK',
    status: options.status ?? 'billed',
    counterparty_name: options.counterparty ?? 'Netto',
    card_number: '4571 10** **** 1234',
    booking_date: options.date ?? bankToday(),
  });
}

/** Payments at the simulated bank made for this transfer id (its `external_id`). */
export async function paymentsFor(local: TestSystem, transferId: string): Promise<SimulatedPayment[]> {
  const { payments } = await simulatorAdmin(local)<{ payments: SimulatedPayment[] }>('GET', '/payments');
  return payments.filter((payment) => payment.external_id === transferId);
}

export async function runJob(local: TestSystem, name: string): Promise<unknown> {
  return local.system.runJob(name);
}

/** What a sync round does: dispatch (if due), sync each queued saver, send planned transfers. */
export async function syncRound(local: TestSystem): Promise<void> {
  await runJob(local, 'dispatch-syncs');
  await runJob(local, 'sync-saver');
  await runJob(local, 'execute-transfers');
}

// --- fault-injection invariants (security-and-money-safety §4.3) ------------------------------------

export interface MoneyInvariantOptions {
  /** Booked transactions that must each have produced exactly one savings entry. */
  eligible?: readonly string[];
  /** Transactions (pending, vanished, refunds, hostile) that must have produced no entry. */
  ineligible?: readonly string[];
  /** Reconcile cycles to allow before an open transfer counts as stuck (MM-15: two). */
  cycles?: number;
}

export interface MoneyInvariantReport {
  entries: StoredEntry[];
  transfers: StoredTransfer[];
}

/**
 * The invariants every fault scenario ends with, once the faults have stopped: the planned transfers
 * are executed and the reconciler runs (as a later tick, so stranded ones are picked up), then
 * - every transfer of the saver is in a terminal state,
 * - the bank holds at most one payment per transfer id (`external_id`), created by at most one
 *   request, and exactly one for a paid transfer,
 * - every eligible booked transaction produced exactly one savings entry and no ineligible one any,
 *   no entry is negative and no entry is still `transferring`,
 * - the money saved is exactly the money the paid transfers moved.
 */
export async function expectMoneyInvariants(
  local: TestSystem,
  saverId: string,
  options: MoneyInvariantOptions = {},
): Promise<MoneyInvariantReport> {
  const { store } = automation();
  const transfersOf = async () => (await store.listTransfers(saverId, { limit: 100 })).items;
  // A reconciler tick well after the faults: anything planned and stranded is older than its limit.
  const later = automation({ now: () => new Date(Date.now() + STRANDED_PLANNED_MS + 60_000) });
  let transfers = await transfersOf();
  for (let cycle = 0; cycle < (options.cycles ?? 2); cycle += 1) {
    if (transfers.every((transfer) => isTerminalTransferStatus(transfer.status))) break;
    await runJob(local, 'execute-transfers');
    await later.schedules.reconcileTransfers();
    await runJob(local, 'execute-transfers');
    transfers = await transfersOf();
  }
  expect(
    transfers
      .filter((transfer) => !isTerminalTransferStatus(transfer.status))
      .map(({ id, status }) => ({ id, status })),
    'transfers still open after the reconciler ran',
  ).toEqual([]);

  const { payments, create_requests_by_external_id: createRequests } = await simulatorAdmin(local)<{
    payments: SimulatedPayment[];
    create_requests_by_external_id: Record<string, number>;
  }>('GET', '/payments');
  for (const transfer of transfers) {
    const made = payments.filter((payment) => payment.external_id === transfer.id);
    expect(made.length, `payments for ${transfer.id}`).toBeLessThanOrEqual(1);
    expect(createRequests[transfer.id] ?? 0, `create requests for ${transfer.id}`).toBeLessThanOrEqual(1);
    if (transfer.status === 'paid') expect(made, `the payment of paid ${transfer.id}`).toHaveLength(1);
  }

  const entries = await store.entriesSince(saverId, '1970-01-01');
  expect(new Set(entries.map((entry) => entry.id)).size, 'entry ids are unique').toBe(entries.length);
  const fromTransaction = (id: string) =>
    entries.filter((entry) => entry.trigger.kind === 'transaction' && entry.trigger.ref === id);
  for (const id of options.eligible ?? []) {
    expect(fromTransaction(id), `entries from eligible transaction ${id}`).toHaveLength(1);
  }
  for (const id of options.ineligible ?? []) {
    expect(fromTransaction(id), `entries from ineligible transaction ${id}`).toEqual([]);
  }
  expect(
    entries.filter((entry) => !(entry.amountMinor > 0)),
    'entries that save nothing or less',
  ).toEqual([]);
  expect(entries.filter((entry) => entry.status === 'transferring').map((entry) => entry.id)).toEqual([]);
  const saved = entries
    .filter((entry) => entry.status === 'saved')
    .reduce((sum, entry) => sum + entry.amountMinor, 0);
  const paid = transfers
    .filter((transfer) => transfer.status === 'paid')
    .reduce((sum, transfer) => sum + transfer.amountMinor, 0);
  expect(saved, 'money saved equals money the paid transfers moved').toBe(paid);
  return { entries, transfers };
}

// --- transfer-side invariants: goals and the bank's side of each transfer -----------------------------

/**
 * `expectMoneyInvariants` plus what only the transfer side can break: every goal holds exactly the
 * money its entries saved (credited once per paid transfer, never for a failed one), a paid transfer's
 * payment is `Paid` at the bank for the transfer's amount, and no transfer that did not end `paid`
 * has money that left the bank.
 */
export async function expectTransferInvariants(
  local: TestSystem,
  saverId: string,
  options: MoneyInvariantOptions = {},
): Promise<MoneyInvariantReport & { goalSavedMinor: number }> {
  const report = await expectMoneyInvariants(local, saverId, options);
  const { TABLE_NAME } = config();
  const goals = await new SaverItems(dynamoDocumentClient(), TABLE_NAME, 'GOAL', GoalSchema).all(saverId);
  for (const goal of goals) {
    const saved = report.entries
      .filter((entry) => entry.status === 'saved' && entry.goalId === goal.id)
      .reduce((sum, entry) => sum + entry.amountMinor, 0);
    expect(goal.savedMinor, `goal ${goal.name} holds exactly what its entries saved`).toBe(saved);
  }
  const goalSavedMinor = goals.reduce((sum, goal) => sum + goal.savedMinor, 0);
  const paidMinor = report.transfers
    .filter((transfer) => transfer.status === 'paid')
    .reduce((sum, transfer) => sum + transfer.amountMinor, 0);
  expect(goalSavedMinor, 'goals credited exactly the paid amount').toBe(paidMinor);

  const { payments } = await simulatorAdmin(local)<{ payments: SimulatedPayment[] }>('GET', '/payments');
  let movedMinor = 0;
  for (const transfer of report.transfers) {
    const payment = payments.find((candidate) => candidate.external_id === transfer.id);
    if (transfer.status === 'paid') {
      expect(payment?.payment_status, `bank status of paid ${transfer.id}`).toBe('Paid');
      expect(payment?.instructed_amount.amount).toBe((transfer.amountMinor / 100).toFixed(2));
    } else if (payment) {
      expect(payment.payment_status, `money of ${transfer.status} ${transfer.id} never left`).not.toBe(
        'Paid',
      );
    }
    if (payment?.payment_status === 'Paid')
      movedMinor += Math.round(Number(payment.instructed_amount.amount) * 100);
  }
  expect(movedMinor, 'money that left the bank equals money credited').toBe(goalSavedMinor);
  return { ...report, goalSavedMinor };
}
