import { type EvaluationInput, type EvaluationResult, evaluate } from '#domain/evaluate';
import type { Goal } from '#domain/goals';
import { type Rule, type RuleInput, RuleSchema } from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import type { Transaction } from '#domain/transaction';

export const SAVER = 'saver-1';

export function settings(overrides: Partial<SaverSettings> = {}): SaverSettings {
  return {
    email: 'karen@example.dk',
    balanceFloorMinor: 0,
    monthlyBudgetMinor: null,
    minimumTransferMinor: 0,
    paused: false,
    timeZone: 'Europe/Copenhagen',
    locale: 'da-DK',
    currency: 'DKK',
    ...overrides,
  };
}

export function goal(overrides: Partial<Goal> = {}): Goal {
  return {
    id: 'rome',
    name: 'Rome',
    emoji: '🇮🇹',
    targetMinor: 800_000,
    currency: 'DKK',
    deadline: null,
    savedMinor: 0,
    status: 'active',
    priority: 0,
    whenReached: 'stop-rules',
    ...overrides,
  };
}

/** Parses through the real schema so fixtures get the schema's defaults and checks. */
export function rule(input: Record<string, unknown>): Rule {
  return RuleSchema.parse({ id: 'rule-1', activeFrom: '2026-01-01', goalId: 'rome', ...input } as RuleInput);
}

let counter = 0;

/** A booked card purchase in DKK; `kroner` is the amount spent as a positive decimal string. */
export function purchase(kroner: string, overrides: Partial<Transaction> = {}): Transaction {
  counter++;
  return {
    id: `txn-${counter}`,
    accountId: 'acc-current',
    bookingDate: '2026-03-10',
    amountMinor: -toMinor(kroner),
    currency: 'DKK',
    status: 'booked',
    kind: 'card',
    counterpartyName: 'Netto',
    ...overrides,
  };
}

export function incoming(kroner: string, overrides: Partial<Transaction> = {}): Transaction {
  counter++;
  return {
    id: `txn-${counter}`,
    accountId: 'acc-current',
    bookingDate: '2026-03-31',
    amountMinor: toMinor(kroner),
    currency: 'DKK',
    status: 'booked',
    kind: 'incoming',
    counterpartyName: 'ACME A/S',
    text: 'Løn marts',
    ...overrides,
  };
}

function toMinor(kroner: string): number {
  const [whole = '0', fraction = ''] = kroner.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Runs the engine at a Copenhagen instant with sensible defaults; returns only the entries. */
export function evaluateAt(
  now: string,
  input: Partial<Omit<EvaluationInput, 'rules'>> & { rules: Rule[] },
): EvaluationResult {
  return evaluate({
    saverId: SAVER,
    settings: settings(),
    goals: [goal()],
    transactions: [],
    ...input,
    now: new Date(now),
  });
}

/** The explanations and amounts of entries, for readable expectations. */
export function summarise(
  result: EvaluationResult,
): { status: string; amountMinor: number; explanation: string }[] {
  return result.entries.map((entry) => ({
    status: entry.status,
    amountMinor: entry.amountMinor,
    explanation: entry.explanation.replaceAll('\u00a0', ' '),
  }));
}
