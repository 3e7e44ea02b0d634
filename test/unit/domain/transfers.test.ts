import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { SavingsEntry } from '#domain/entries';
import { IllegalTransferTransitionError, TransferAllocationMismatchError } from '#domain/errors';
import { creditGoals } from '#domain/goals';
import {
  allocateTransferToGoals,
  entryStatusForTransfer,
  isTerminalTransferStatus,
  nextTransferStatus,
  planTransfer,
  TRANSFER_TRANSITIONS,
  TransferEventSchema,
  TransferSchema,
  type TransferStatus,
  TransferStatusSchema,
  tryTransferEvent,
  unsettledTransfersMinor,
} from '#domain/transfers';
import { goal, SAVER, settings } from './fixtures.ts';

function entry(
  id: string,
  amountMinor: number,
  goalId = 'rome',
  overrides: Partial<SavingsEntry> = {},
): SavingsEntry {
  return {
    id,
    ruleId: 'rule-1',
    goalId,
    status: 'pending',
    amountMinor,
    currency: 'DKK',
    trigger: { kind: 'transaction', ref: `t-${id}`, date: '2026-03-10' },
    explanation: 'test',
    skipReason: null,
    createdAt: '2026-03-10T18:00:00.000Z',
    ...overrides,
  };
}

const plenty = { availableMinor: 1_000_000, unsettledTransfersMinor: 0 };
const createdAt = '2026-03-11T02:00:00.000Z';

describe('planning a transfer', () => {
  const batching = settings({ minimumTransferMinor: 5_000 });

  it('holds 2,50 + 7,70 + 20,00 kr. = 30,20 kr. while the minimum is 50,00 kr.', () => {
    const plan = planTransfer({
      saverId: SAVER,
      settings: batching,
      entries: [entry('a', 250), entry('b', 770), entry('c', 2_000)],
      balance: plenty,
      createdAt,
    });
    expect(plan).toEqual({ kind: 'held', reason: 'below-minimum', pendingMinor: 3_020 });
  });

  it('batches every pending entry into one 55,20 kr. transfer once the minimum is reached', () => {
    const entries = [
      entry('c', 2_000),
      entry('a', 250),
      entry('b', 770, 'bike'),
      entry('d', 2_500),
      entry('x', 9_999, 'rome', { status: 'skipped', skipReason: 'cap-day' }),
      entry('y', 9_999, 'rome', { status: 'transferring' }),
    ];
    const plan = planTransfer({ saverId: SAVER, settings: batching, entries, balance: plenty, createdAt });
    expect(plan.kind).toBe('planned');
    if (plan.kind !== 'planned') return;
    expect(plan.transfer).toMatchObject({
      status: 'planned',
      amountMinor: 5_520,
      currency: 'DKK',
      entryIds: ['a', 'b', 'c', 'd'],
      bankPaymentId: null,
      createdAt,
    });
    expect(TransferSchema.parse(plan.transfer)).toEqual(plan.transfer);
    expect(plan.transfer.id).toMatch(/^tr_[0-9a-f]{32}$/);
    expect(plan.transfer.id.length).toBeLessThanOrEqual(35);
    // Planning the same entries again, in another order, gives the same transfer id.
    const again = planTransfer({
      saverId: SAVER,
      settings: batching,
      entries: [...entries].reverse(),
      balance: plenty,
      createdAt,
    });
    expect(again.kind === 'planned' && again.transfer.id).toBe(plan.transfer.id);
  });

  it('keeps the balance floor: takes the oldest entries that fit and holds the rest', () => {
    const entries = [
      entry('old', 3_000, 'rome', { trigger: { kind: 'period', ref: '2026-03-08', date: '2026-03-08' } }),
      entry('mid', 3_000, 'rome', { trigger: { kind: 'period', ref: '2026-03-09', date: '2026-03-09' } }),
      entry('new', 3_000),
    ];
    // 1 100,00 kr. available, 20,00 kr. on the way, floor 1 000,00 kr.: room for 80,00 kr.
    const plan = planTransfer({
      saverId: SAVER,
      settings: settings({ minimumTransferMinor: 5_000, balanceFloorMinor: 100_000 }),
      entries,
      balance: { availableMinor: 110_000, unsettledTransfersMinor: 2_000 },
      createdAt,
    });
    expect(plan.kind === 'planned' && plan.transfer.entryIds).toEqual(['mid', 'old']);
    expect(plan.kind === 'planned' && plan.heldEntryIds).toEqual(['new']);

    const tooLow = planTransfer({
      saverId: SAVER,
      settings: settings({ minimumTransferMinor: 5_000, balanceFloorMinor: 100_000 }),
      entries,
      balance: { availableMinor: 104_000, unsettledTransfersMinor: 0 },
      createdAt,
    });
    expect(tooLow).toEqual({ kind: 'held', reason: 'balance-floor', pendingMinor: 9_000 });
  });

  it('holds everything while the saver has paused, and says when nothing is pending', () => {
    expect(
      planTransfer({
        saverId: SAVER,
        settings: settings({ paused: true }),
        entries: [entry('a', 9_000)],
        balance: plenty,
        createdAt,
      }),
    ).toMatchObject({ kind: 'held', reason: 'saver-paused' });
    expect(
      planTransfer({ saverId: SAVER, settings: settings(), entries: [], balance: plenty, createdAt }),
    ).toMatchObject({
      kind: 'held',
      reason: 'nothing-pending',
    });
  });

  it('counts every transfer that is not terminal as still on its way', () => {
    expect(
      unsettledTransfersMinor([
        { status: 'planned', amountMinor: 100 },
        { status: 'unknown', amountMinor: 20 },
        { status: 'awaiting_confirmation', amountMinor: 3 },
        { status: 'paid', amountMinor: 1_000 },
        { status: 'rejected', amountMinor: 1_000 },
      ]),
    ).toBe(123);
  });
});

describe('allocating a paid transfer to goals', () => {
  const entries = [entry('a', 250), entry('b', 770, 'bike'), entry('c', 2_000), entry('d', 2_500)];
  const transfer = { id: 'tr_1', amountMinor: 5_520, currency: 'DKK', entryIds: ['a', 'b', 'c', 'd'] };

  it('credits each goal the sum of its entries and marks a goal reached', () => {
    const allocation = allocateTransferToGoals(transfer, entries);
    expect(allocation).toEqual([
      { goalId: 'bike', amountMinor: 770 },
      { goalId: 'rome', amountMinor: 4_750 },
    ]);
    const credited = creditGoals(
      [goal({ savedMinor: 796_000 }), goal({ id: 'bike', name: 'Bike', targetMinor: 500_000 })],
      allocation,
    );
    expect(credited.newlyReached).toEqual(['rome']);
    expect(credited.goals.map((g) => [g.id, g.savedMinor, g.status])).toEqual([
      ['rome', 800_750, 'reached'],
      ['bike', 770, 'active'],
    ]);
  });

  it('refuses entries that do not match the transfer', () => {
    expect(() => allocateTransferToGoals(transfer, entries.slice(1))).toThrow(
      TransferAllocationMismatchError,
    );
    expect(() => allocateTransferToGoals({ ...transfer, amountMinor: 5_521 }, entries)).toThrow(
      TransferAllocationMismatchError,
    );
  });
});

describe('the transfer state machine', () => {
  it('walks the happy paths', () => {
    expect(nextTransferStatus('planned', 'claim')).toBe('submitting');
    expect(nextTransferStatus('submitting', 'bank-accepted')).toBe('submitted');
    expect(nextTransferStatus('submitted', 'confirmation-required')).toBe('awaiting_confirmation');
    expect(nextTransferStatus('awaiting_confirmation', 'bank-paid')).toBe('paid');
    expect(nextTransferStatus('submitting', 'outcome-ambiguous')).toBe('unknown');
    expect(nextTransferStatus('unknown', 'bank-paid')).toBe('paid');
  });

  it('never re-sends an unknown transfer without proof, and never leaves a terminal state', () => {
    expect(tryTransferEvent('unknown', 'claim')).toBeNull();
    expect(nextTransferStatus('unknown', 'bank-proved-absent')).toBe('planned');
    expect(() => nextTransferStatus('paid', 'bank-rejected')).toThrow(IllegalTransferTransitionError);
    expect(() => nextTransferStatus('submitted', 'claim')).toThrow(IllegalTransferTransitionError);
    expect(tryTransferEvent('submitted', 'saver-cancelled')).toBeNull();
    expect(nextTransferStatus('planned', 'saver-cancelled')).toBe('cancelled');
  });

  it('maps transfer states to entry states', () => {
    expect(entryStatusForTransfer('submitted')).toBe('transferring');
    expect(entryStatusForTransfer('paid')).toBe('saved');
    expect(entryStatusForTransfer('expired')).toBe('failed');
    expect(entryStatusForTransfer('cancelled')).toBe('cancelled');
  });

  const rank: Record<TransferStatus, number> = {
    planned: 0,
    submitting: 1,
    unknown: 2,
    submitted: 2,
    awaiting_confirmation: 3,
    paid: 4,
    rejected: 4,
    expired: 4,
    cancelled: 4,
  };

  propertyTest.prop([fc.array(fc.constantFrom(...TransferEventSchema.options), { maxLength: 30 })], {
    numRuns: 300,
  })('any sequence of events only moves forward, except unknown → planned on proof of absence', (events) => {
    let status: TransferStatus = 'planned';
    let claims = 0;
    for (const event of events) {
      const next = tryTransferEvent(status, event);
      if (next === null) {
        expect(() => nextTransferStatus(status, event)).toThrow(IllegalTransferTransitionError);
        continue;
      }
      if (next === 'submitting') claims++;
      const backwards = rank[next] < rank[status];
      expect(backwards ? `${status}→${next} on ${event}` : 'forward').toBe(
        backwards ? 'unknown→planned on bank-proved-absent' : 'forward',
      );
      if (isTerminalTransferStatus(status)) expect(next).toBe(status);
      status = next;
    }
    // Each send is preceded by its own claim: an unknown transfer cannot be claimed again without proof.
    const proofs = events.filter((event) => event === 'bank-proved-absent').length;
    expect(claims).toBeLessThanOrEqual(proofs + 1);
  });

  it('has a row for every state and only known states in it', () => {
    for (const status of TransferStatusSchema.options) {
      for (const next of Object.values(TRANSFER_TRANSITIONS[status])) {
        expect(TransferStatusSchema.options).toContain(next);
      }
    }
    for (const terminal of ['paid', 'rejected', 'expired', 'cancelled'] as const) {
      expect(TRANSFER_TRANSITIONS[terminal]).toEqual({});
    }
  });
});
