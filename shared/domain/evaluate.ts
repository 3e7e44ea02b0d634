import {
  addDays,
  daysBetween,
  daysInMonth,
  eachDate,
  endOfMonth,
  isoWeekday,
  isoWeekKey,
  type LocalDate,
  localDateOf,
  maxDate,
  minDate,
  monthKey,
  type PeriodUnit,
  periodKeyOf,
  periodStart,
} from './calendar.ts';
import { countsTowardLimits, type SavingsEntry, type SkipReason, type Trigger } from './entries.ts';
import { type FundingDecision, type Goal, resolveFundingGoal } from './goals.ts';
import { type Habit, type HabitAction, streakEndingOn } from './habits.ts';
import { savingsEntryIdsOf } from './ids.ts';
import { addMinor, applyBasisPoints, minorFormatter, percentToBasisPoints } from './money.ts';
import type { Rule, RuleOf, SaveAmount } from './rules.ts';
import type { SaverSettings } from './settings.ts';
import { allocateProportionally, type SplitShare, splitAmount } from './split.ts';
import {
  compareTransactions,
  describeTransaction,
  isCardPurchase,
  isIncomingPayment,
  type PurchaseMatch,
  type PurchaseTexts,
  purchaseMatcher,
  purchaseTextsOf,
  type Transaction,
} from './transaction.ts';

/** The spending account as the bank reports it, and transfers that have not left it yet. */
export type AccountBalance = { availableMinor: number; unsettledTransfersMinor: number };

/**
 * Bank booking dates trail card purchases by a day or two. End-of-period rules (spend less, no-spend
 * day) judge a period only this many days after it ended, so a late booking is still seen.
 */
export const DEFAULT_BOOKING_GRACE_DAYS = 2;

export type EvaluationInput = {
  saverId: string;
  settings: SaverSettings;
  rules: readonly Rule[];
  goals: readonly Goal[];
  /** Booked and reserved items of the source account; reserved ones never trigger anything. */
  transactions: readonly Transaction[];
  habitActions?: readonly HabitAction[];
  habits?: readonly Habit[];
  /**
   * Entries already stored for this saver, at least those dated from `ledgerWindowStart(earliest trigger
   * date)`: they count against caps, the budget and goal room, and their triggers are not evaluated again.
   */
  priorEntries?: readonly SavingsEntry[];
  /** When given, new entries that would take the account below the balance floor are skipped. */
  balance?: AccountBalance | null;
  /**
   * First local date whose calendar occurrences (set & forget, 52-week, end-of-period judgements) are
   * produced; usually the local date of the previous run. Defaults to today.
   */
  calendarFrom?: LocalDate;
  bookingGraceDays?: number;
};

export type EvaluationResult = {
  today: LocalDate;
  /** New entries only (ids not among `priorEntries`), in processing order: date, rule id, trigger. */
  entries: SavingsEntry[];
  /** Pending entries a cap or the budget reduced, for reporting. */
  limited: { entryId: string; by: SkipReason }[];
};

/** Evaluates at the instant `now`; today is `now`'s local date in the saver's time zone. */
export function evaluate(input: EvaluationInput & { now: Date }): EvaluationResult {
  return evaluateOnDate({
    ...input,
    today: localDateOf(input.now, input.settings.timeZone),
    createdAt: input.now.toISOString(),
  });
}

/** Where the caller must start loading prior entries so every week and month cap sees its whole period. */
export function ledgerWindowStart(earliestTriggerDate: LocalDate): LocalDate {
  return minDate(periodStart('week', earliestTriggerDate), periodStart('month', earliestTriggerDate));
}

/** A rule readied once per evaluation: its entry-id maker serialises the parts all its ids share once. */
type PreparedRule = {
  rule: Rule;
  entryIdOf: (triggerKind: string, triggerRef: string, goalId: string) => string;
};

type Candidate = { prepared: PreparedRule; trigger: Trigger; amountMinor: number; description: string };

/** A booked card purchase with what every rule asks of it worked out once: lower-cased texts, a name. */
type Purchase = { transaction: Transaction; texts: PurchaseTexts; name: string };

type Context = {
  today: LocalDate;
  calendarFrom: LocalDate;
  graceDays: number;
  money: (minor: number) => string;
  percent: (value: number) => string;
  purchases: Purchase[];
  purchasesByDate: Map<LocalDate, Purchase[]>;
  incoming: Transaction[];
  habitActions: { action: HabitAction; date: LocalDate }[];
  loggedDates: Map<string, Set<LocalDate>>;
  habitNames: Map<string, string>;
};

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const UNIT_LABEL: Record<PeriodUnit, string> = { day: 'daily', week: 'weekly', month: 'monthly' };

/**
 * The rules engine. Pure: the same inputs, in any order, give the same entries. Triggers are processed in
 * canonical order (date, rule id, trigger) so caps and budgets are consumed deterministically, and the
 * entries come back in that order.
 */
export function evaluateOnDate(
  input: EvaluationInput & { today: LocalDate; createdAt: string },
): EvaluationResult {
  const { settings, today } = input;
  const context = buildContext(input);

  const perRule = input.rules.map((rule) => {
    const prepared: PreparedRule = { rule, entryIdOf: savingsEntryIdsOf(input.saverId, rule.id) };
    return candidatesFor(prepared, context);
  });

  const run: Run = {
    input,
    context,
    ledger: new Ledger(
      input.priorEntries ?? [],
      input.balance ?? null,
      settings.balanceFloorMinor,
      new Set(input.rules.filter(hasCaps).map((rule) => rule.id)),
      settings.monthlyBudgetMinor !== null,
    ),
    goalsById: new Map(input.goals.map((goal) => [goal.id, goal])),
    entries: [],
    limited: [],
  };
  inCanonicalOrder(input.rules, perRule, (candidate) => settle(run, candidate));
  return { today, entries: run.entries, limited: run.limited };
}

/**
 * Visits all candidates in canonical order (date, rule id, trigger kind, trigger ref), the order a stable
 * sort of the rules' candidates in rule order gives. Each rule's candidates already come in that order
 * (they walk purchases and payments sorted by date and id, habit actions sorted by date and id, or dates
 * one by one), so when rule ids are distinct a merge by date, taking rules by id, gives it without
 * sorting thousands of candidates. Rules sharing an id fall back to the sort.
 */
function inCanonicalOrder(
  rules: readonly Rule[],
  perRule: readonly Candidate[][],
  visit: (candidate: Candidate) => void,
): void {
  const byId = rules.map((rule, index) => ({ id: rule.id, candidates: perRule[index] ?? [] }));
  byId.sort((a, b) => compareText(a.id, b.id));
  const distinctIds = byId.every((entry, index) => index === 0 || entry.id !== byId[index - 1]?.id);
  if (!distinctIds) {
    const candidates = perRule.flat();
    candidates.sort(compareCandidates);
    for (const candidate of candidates) visit(candidate);
    return;
  }
  const lists = byId.map((entry) => entry.candidates);
  const positions = lists.map(() => 0);
  for (;;) {
    let date: LocalDate | null = null;
    for (let list = 0; list < lists.length; list++) {
      const head = lists[list]?.[positions[list] ?? 0];
      if (head && (date === null || head.trigger.date < date)) date = head.trigger.date;
    }
    if (date === null) return;
    for (let list = 0; list < lists.length; list++) {
      const candidates = lists[list] as Candidate[];
      let position = positions[list] ?? 0;
      for (; position < candidates.length; position++) {
        const candidate = candidates[position] as Candidate;
        if (candidate.trigger.date !== date) break;
        visit(candidate);
      }
      positions[list] = position;
    }
  }
}

function hasCaps(rule: Rule): boolean {
  const { perDayMinor, perWeekMinor, perMonthMinor } = rule.caps;
  return perDayMinor !== undefined || perWeekMinor !== undefined || perMonthMinor !== undefined;
}

type Run = {
  input: EvaluationInput & { createdAt: string };
  context: Context;
  ledger: Ledger;
  goalsById: Map<string, Goal>;
  entries: SavingsEntry[];
  limited: EvaluationResult['limited'];
};

type OpenShare = { id: string; goalId: string; amountMinor: number };
type Fundable = { share: OpenShare; goal: Goal; amountMinor: number; note: string };

/** Turns one candidate into entries: gates, goal routing, caps and budget, floor, in that order. */
function settle(run: Run, candidate: Candidate): void {
  const rule = candidate.prepared.rule;
  if (rule.split) settleSplit(run, candidate, rule.split);
  else settleOneGoal(run, candidate, rule.goalId ?? '');
}

/**
 * `settleSplit` for a rule that funds one goal, as nearly all do: the same steps, without the lists a
 * split needs (its single share, and a proportional allocation over one part, which gets all that the
 * limit allows). Kept allocation-light because it runs for almost every entry.
 */
function settleOneGoal(run: Run, candidate: Candidate, goalId: string): void {
  const { prepared, trigger, amountMinor: shareMinor } = candidate;
  const rule = prepared.rule;
  const { settings } = run.input;
  if (shareMinor <= 0) return;
  const id = prepared.entryIdOf(trigger.kind, trigger.ref, goalId);
  if (run.ledger.has(id)) return;

  const gate = gateOf(settings, rule);
  if (gate) {
    push(run, candidate, id, goalId, 'skipped', shareMinor, candidate.description + gateNote(gate), gate);
    return;
  }

  const decision = resolveFundingGoal(goalId, run.input.goals, run.ledger.committed);
  if (decision.kind === 'skip' || decision.goal.currency !== settings.currency) {
    const reason: SkipReason = decision.kind === 'skip' ? decision.reason : 'goal-currency';
    const text = candidate.description + goalNote(run, reason, decision.goal);
    push(run, candidate, id, goalId, 'skipped', shareMinor, text, reason);
    return;
  }
  const goal = decision.goal;
  let note = redirectNote(decision);
  const room = goal.targetMinor - goal.savedMinor - (run.ledger.committed.get(goal.id) ?? 0);
  let amountMinor = shareMinor;
  if (amountMinor > room) {
    amountMinor = room;
    note += roomNote(run, goal, room);
  }
  const wanted = addMinor(0, amountMinor);
  const text = candidate.description + note;

  const limit = run.ledger.limitFor(rule, trigger.date, wanted, settings.monthlyBudgetMinor);
  if (limit.allowedMinor > 0 && !run.ledger.floorAllows(limit.allowedMinor)) {
    push(run, candidate, id, goal.id, 'skipped', amountMinor, text + floorNote(run), 'balance-floor');
    return;
  }
  const allowedMinor = limit.allowedMinor;
  if (allowedMinor === 0) {
    const skipped = text + limitNote(run, limit, 0);
    push(run, candidate, id, goal.id, 'skipped', amountMinor, skipped, limit.by ?? 'cap-day');
    return;
  }
  const reduced = allowedMinor < amountMinor;
  const pending = reduced ? text + limitNote(run, limit, allowedMinor) : text;
  push(run, candidate, id, goal.id, 'pending', allowedMinor, pending, null);
  if (reduced && limit.by) run.limited.push({ entryId: id, by: limit.by });
  run.ledger.record(rule, goal.id, trigger.date, allowedMinor);
}

function gateOf(settings: SaverSettings, rule: Rule): SkipReason | null {
  return settings.paused ? 'saver-paused' : rule.paused ? 'rule-paused' : null;
}

function gateNote(gate: SkipReason): string {
  return gate === 'saver-paused' ? ' Skipped: all saving is paused.' : ' Skipped: the rule is paused.';
}

function redirectNote(decision: FundingDecision & { kind: 'fund' }): string {
  return decision.redirectedFrom
    ? ` ${decision.redirectedFrom.name} is reached, so it goes to ${decision.goal.name}.`
    : '';
}

function roomNote(run: Run, goal: Goal, room: number): string {
  return ` Limited to ${run.context.money(room)}, what ${goal.name} still needs.`;
}

function floorNote(run: Run): string {
  const floor = sentence(run.context.money(run.input.settings.balanceFloorMinor));
  return ` Skipped: it would take the account below the balance floor of ${floor}`;
}

/** Settles a split rule's candidate: one entry per goal share, limits shared in proportion. */
function settleSplit(run: Run, candidate: Candidate, split: readonly SplitShare[]): void {
  const { prepared, trigger } = candidate;
  const rule = prepared.rule;
  const { settings } = run.input;
  const open: OpenShare[] = [];
  for (const share of splitAmount(candidate.amountMinor, split)) {
    if (share.amountMinor <= 0) continue;
    const id = prepared.entryIdOf(trigger.kind, trigger.ref, share.goalId);
    if (!run.ledger.has(id)) open.push({ id, goalId: share.goalId, amountMinor: share.amountMinor });
  }
  if (open.length === 0) return;

  const gate = gateOf(settings, rule);
  if (gate) {
    for (const share of open) {
      const text = candidate.description + splitNote(run, rule, share) + gateNote(gate);
      push(run, candidate, share.id, share.goalId, 'skipped', share.amountMinor, text, gate);
    }
    return;
  }

  // Route each share to its goal (or the next one) and keep it within what the goal still needs.
  const fundable: Fundable[] = [];
  let wanted = 0;
  for (const share of open) {
    const base = candidate.description + splitNote(run, rule, share);
    const decision = resolveFundingGoal(share.goalId, run.input.goals, run.ledger.committed);
    if (decision.kind === 'skip' || decision.goal.currency !== settings.currency) {
      const reason: SkipReason = decision.kind === 'skip' ? decision.reason : 'goal-currency';
      push(
        run,
        candidate,
        share.id,
        share.goalId,
        'skipped',
        share.amountMinor,
        base + goalNote(run, reason, decision.goal),
        reason,
      );
      continue;
    }
    const goal = decision.goal;
    let note = redirectNote(decision);
    const room = goal.targetMinor - goal.savedMinor - (run.ledger.committed.get(goal.id) ?? 0);
    let amountMinor = share.amountMinor;
    if (amountMinor > room) {
      amountMinor = room;
      note += roomNote(run, goal, room);
    }
    wanted = addMinor(wanted, amountMinor);
    fundable.push({ share, goal, amountMinor, note: base + note });
  }
  if (fundable.length === 0) return;

  const limit = run.ledger.limitFor(rule, trigger.date, wanted, settings.monthlyBudgetMinor);
  if (limit.allowedMinor > 0 && !run.ledger.floorAllows(limit.allowedMinor)) {
    const note = floorNote(run);
    for (const item of fundable) {
      push(
        run,
        candidate,
        item.share.id,
        item.goal.id,
        'skipped',
        item.amountMinor,
        item.note + note,
        'balance-floor',
      );
    }
    return;
  }

  const allowedParts =
    limit.allowedMinor === wanted
      ? null
      : allocateProportionally(
          limit.allowedMinor,
          fundable.map((item) => ({ goalId: item.goal.id, amountMinor: item.amountMinor })),
        );
  for (let index = 0; index < fundable.length; index++) {
    const item = fundable[index] as Fundable;
    const allowedMinor = allowedParts ? (allowedParts[index]?.amountMinor ?? 0) : item.amountMinor;
    if (allowedMinor === 0) {
      const text = item.note + limitNote(run, limit, 0);
      push(
        run,
        candidate,
        item.share.id,
        item.goal.id,
        'skipped',
        item.amountMinor,
        text,
        limit.by ?? 'cap-day',
      );
      continue;
    }
    const reduced = allowedMinor < item.amountMinor;
    const text = reduced ? item.note + limitNote(run, limit, allowedMinor) : item.note;
    push(run, candidate, item.share.id, item.goal.id, 'pending', allowedMinor, text, null);
    if (reduced && limit.by) run.limited.push({ entryId: item.share.id, by: limit.by });
    run.ledger.record(rule, item.goal.id, trigger.date, allowedMinor);
  }
}

function push(
  run: Run,
  candidate: Candidate,
  id: string,
  goalId: string,
  status: 'pending' | 'skipped',
  amountMinor: number,
  explanation: string,
  skipReason: SkipReason | null,
): void {
  run.entries.push({
    id,
    ruleId: candidate.prepared.rule.id,
    goalId,
    status,
    amountMinor,
    currency: run.input.settings.currency,
    trigger: candidate.trigger,
    explanation,
    skipReason,
    createdAt: run.input.createdAt,
  });
}

function splitNote(run: Run, rule: Rule, share: OpenShare): string {
  if (!rule.split) return '';
  const percent = rule.split.find((entry) => entry.goalId === share.goalId)?.percent ?? 0;
  const name = run.goalsById.get(share.goalId)?.name ?? 'a removed goal';
  return ` ${run.context.percent(percent)} % of it (${run.context.money(share.amountMinor)}) is for ${name}.`;
}

function goalNote(run: Run, reason: SkipReason, goal: Goal | null): string {
  const name = goal?.name ?? 'the goal';
  if (reason === 'goal-reached') return ` Skipped: ${name} is already reached.`;
  if (reason === 'goal-archived') return ` Skipped: ${name} is archived.`;
  if (reason === 'goal-currency') {
    return ` Skipped: ${name} is kept in ${goal?.currency}, not ${run.input.settings.currency}.`;
  }
  return ' Skipped: the goal no longer exists.';
}

type Limit = { allowedMinor: number; by: SkipReason | null; unit: PeriodUnit | null; limitMinor: number };

function limitNote(run: Run, limit: Limit, allowedMinor: number): string {
  if (!limit.by) return '';
  const what =
    limit.by === 'monthly-budget'
      ? `the monthly savings budget of ${run.context.money(limit.limitMinor)}`
      : `the ${UNIT_LABEL[limit.unit ?? 'day']} cap of ${run.context.money(limit.limitMinor)}`;
  return allowedMinor === 0
    ? ` Skipped: ${what} is used up.`
    : ` Limited to ${run.context.money(allowedMinor)} by ${sentence(what)}`;
}

/** Running totals: what counts against caps, the budget, goal room and the balance floor. */
class Ledger {
  readonly committed = new Map<string, number>();
  private readonly ids = new Set<string>();
  /** Per rule: saved per day, ISO week and month key (the three key shapes never collide). */
  private readonly byRulePeriod = new Map<string, Map<string, number>>();
  private readonly byMonth = new Map<string, number>();
  private headroom: number | null;

  /**
   * Period totals are kept only where they are read: per rule for rules with caps (`cappedRuleIds`), per
   * month when there is a monthly budget; counting the rest cost four map updates per entry for nothing.
   */
  constructor(
    prior: readonly SavingsEntry[],
    balance: AccountBalance | null,
    floorMinor: number,
    private readonly cappedRuleIds: ReadonlySet<string>,
    private readonly tracksMonthlyBudget: boolean,
  ) {
    let pending = 0;
    for (const entry of prior) {
      this.ids.add(entry.id);
      if (!countsTowardLimits(entry)) continue;
      this.count(entry.ruleId, entry.trigger.date, entry.amountMinor);
      if (entry.status !== 'saved') {
        this.committed.set(entry.goalId, (this.committed.get(entry.goalId) ?? 0) + entry.amountMinor);
      }
      if (entry.status === 'pending') pending += entry.amountMinor;
    }
    this.headroom =
      balance === null
        ? null
        : balance.availableMinor - balance.unsettledTransfersMinor - pending - floorMinor;
  }

  has(id: string): boolean {
    return this.ids.size > 0 && this.ids.has(id);
  }

  limitFor(rule: Rule, date: LocalDate, wantedMinor: number, monthlyBudgetMinor: number | null): Limit {
    let result: Limit = { allowedMinor: wantedMinor, by: null, unit: null, limitMinor: 0 };
    if (hasCaps(rule)) {
      const used = this.byRulePeriod.get(rule.id);
      for (const unit of PERIOD_UNITS) {
        const cap = rule.caps[CAP_OF[unit]];
        if (cap === undefined) continue;
        const room = Math.max(0, cap - (used?.get(periodKeyOf(unit, date)) ?? 0));
        if (room < result.allowedMinor)
          result = { allowedMinor: room, by: `cap-${unit}`, unit, limitMinor: cap };
      }
    }
    if (monthlyBudgetMinor !== null) {
      const room = Math.max(0, monthlyBudgetMinor - (this.byMonth.get(monthKey(date)) ?? 0));
      if (room < result.allowedMinor) {
        result = { allowedMinor: room, by: 'monthly-budget', unit: null, limitMinor: monthlyBudgetMinor };
      }
    }
    return result;
  }

  floorAllows(amountMinor: number): boolean {
    return this.headroom === null || amountMinor <= this.headroom;
  }

  record(rule: Rule, goalId: string, date: LocalDate, amountMinor: number): void {
    this.count(rule.id, date, amountMinor);
    this.committed.set(goalId, (this.committed.get(goalId) ?? 0) + amountMinor);
    if (this.headroom !== null) this.headroom -= amountMinor;
  }

  private count(ruleId: string, date: LocalDate, amountMinor: number): void {
    if (this.cappedRuleIds.has(ruleId)) {
      let used = this.byRulePeriod.get(ruleId);
      if (!used) {
        used = new Map();
        this.byRulePeriod.set(ruleId, used);
      }
      const week = isoWeekKey(date);
      const month = monthKey(date);
      used.set(date, (used.get(date) ?? 0) + amountMinor);
      used.set(week, (used.get(week) ?? 0) + amountMinor);
      used.set(month, (used.get(month) ?? 0) + amountMinor);
    }
    if (this.tracksMonthlyBudget) {
      const month = monthKey(date);
      this.byMonth.set(month, (this.byMonth.get(month) ?? 0) + amountMinor);
    }
  }
}

const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month'];
const CAP_OF = { day: 'perDayMinor', week: 'perWeekMinor', month: 'perMonthMinor' } as const;

function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    compareText(a.trigger.date, b.trigger.date) ||
    compareText(a.prepared.rule.id, b.prepared.rule.id) ||
    compareText(a.trigger.kind, b.trigger.kind) ||
    compareText(a.trigger.ref, b.trigger.ref)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildContext(input: EvaluationInput & { today: LocalDate }): Context {
  const { settings, today } = input;
  const inCurrency = input.transactions.filter((transaction) => transaction.currency === settings.currency);
  const purchases: Purchase[] = inCurrency
    .filter(isCardPurchase)
    .sort(compareTransactions)
    .map((transaction) => ({
      transaction,
      texts: purchaseTextsOf(transaction),
      name: describeTransaction(transaction),
    }));
  const purchasesByDate = new Map<LocalDate, Purchase[]>();
  for (const purchase of purchases) {
    const list = purchasesByDate.get(purchase.transaction.bookingDate);
    if (list) list.push(purchase);
    else purchasesByDate.set(purchase.transaction.bookingDate, [purchase]);
  }
  const habitActions = (input.habitActions ?? [])
    .map((action) => ({ action, date: localDateOf(new Date(action.occurredAt), settings.timeZone) }))
    .sort((a, b) => compareText(a.date, b.date) || compareText(a.action.id, b.action.id));
  const loggedDates = new Map<string, Set<LocalDate>>();
  for (const { action, date } of habitActions) {
    const dates = loggedDates.get(action.habitId);
    if (dates) dates.add(date);
    else loggedDates.set(action.habitId, new Set([date]));
  }
  const percentFormat = percentFormatter(settings.locale);
  // Created on first use, as before: a saver with nothing to explain never needs the currency format.
  let money: ((minor: number) => string) | null = null;
  return {
    today,
    calendarFrom: input.calendarFrom ?? today,
    graceDays: input.bookingGraceDays ?? DEFAULT_BOOKING_GRACE_DAYS,
    money: (minor) => {
      money ??= minorFormatter(settings.currency, settings.locale);
      return money(minor);
    },
    percent: percentFormat,
    purchases,
    purchasesByDate,
    incoming: inCurrency.filter(isIncomingPayment).sort(compareTransactions),
    habitActions,
    loggedDates,
    habitNames: new Map((input.habits ?? []).map((habit) => [habit.id, habit.name])),
  };
}

const percentFormatters = new Map<string, (value: number) => string>();

/** Percentages for explanations (12,5 in da-DK), one remembered formatter per locale. */
function percentFormatter(locale: string): (value: number) => string {
  let formatter = percentFormatters.get(locale);
  if (!formatter) {
    const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    formatter = (value) => format.format(value);
    if (percentFormatters.size >= 100) percentFormatters.clear();
    percentFormatters.set(locale, formatter);
  }
  return formatter;
}

function candidatesFor(prepared: PreparedRule, context: Context): Candidate[] {
  const rule = prepared.rule;
  switch (rule.type) {
    case 'round-up':
      return roundUpCandidates(prepared, rule, context);
    case 'guilty-pleasure':
      return guiltyPleasureCandidates(prepared, rule, context);
    case 'payday':
      return paydayCandidates(prepared, rule, context);
    case 'set-and-forget':
      return setAndForgetCandidates(prepared, rule, context);
    case '52-week':
      return fiftyTwoWeekCandidates(prepared, rule, context);
    case 'habit':
      return habitCandidates(prepared, rule, context);
    case 'spend-less':
      return spendLessCandidates(prepared, rule, context);
    case 'no-spend-day':
      return noSpendDayCandidates(prepared, rule, context);
  }
}

/** Ends a sentence with a full stop unless it already ends with one (da-DK amounts end in "kr."). */
function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

function transactionTrigger(transaction: Transaction): Trigger {
  return { kind: 'transaction', ref: transaction.id, date: transaction.bookingDate };
}

function periodTrigger(ref: string, date: LocalDate): Trigger {
  return { kind: 'period', ref, date };
}

function roundUpCandidates(prepared: PreparedRule, rule: RuleOf<'round-up'>, context: Context): Candidate[] {
  const candidates: Candidate[] = [];
  const { money } = context;
  const times = rule.multiplier > 1 ? ` × ${rule.multiplier} = ` : null;
  for (const purchase of context.purchases) {
    const transaction = purchase.transaction;
    if (transaction.bookingDate < rule.activeFrom) continue;
    const spent = -transaction.amountMinor;
    const overBase = spent % rule.roundToMinor;
    if (overBase === 0) continue;
    const roundUp = rule.roundToMinor - overBase;
    const amountMinor = roundUp * rule.multiplier;
    // sentence(a + b) is a + sentence(b) when b is not empty: only the last amount needs the check.
    const multipliedSentence = times === null ? '' : sentence(money(amountMinor));
    const spentText = money(spent);
    const roundedText = money(addMinor(spent, roundUp));
    const saved =
      times === null ? sentence(money(roundUp)) : `${money(roundUp)}${times}${multipliedSentence}`;
    candidates.push({
      prepared,
      trigger: transactionTrigger(transaction),
      amountMinor,
      description: `Rounded ${spentText} at ${purchase.name} up to ${roundedText}: ${saved}`,
    });
  }
  return candidates;
}

function amountOf(amount: SaveAmount, baseMinor: number): number {
  if (amount.kind === 'fixed') return amount.amountMinor;
  return applyBasisPoints(baseMinor, percentToBasisPoints(amount.percent) ?? 0);
}

function describeMatch(match: PurchaseMatch | undefined): string {
  return match?.merchantText ?? match?.counterparty ?? match?.category ?? 'card';
}

function guiltyPleasureCandidates(
  prepared: PreparedRule,
  rule: RuleOf<'guilty-pleasure'>,
  context: Context,
): Candidate[] {
  const candidates: Candidate[] = [];
  const matches = purchaseMatcher(rule.match);
  const howText = howMuchText(rule.amount, context);
  for (const purchase of context.purchases) {
    const transaction = purchase.transaction;
    if (transaction.bookingDate < rule.activeFrom || !matches(purchase.texts)) continue;
    const spent = -transaction.amountMinor;
    const amountMinor = amountOf(rule.amount, spent);
    if (amountMinor <= 0) continue;
    const how = howText(amountMinor);
    candidates.push({
      prepared,
      trigger: transactionTrigger(transaction),
      amountMinor,
      description: `Guilty pleasure: ${context.money(spent)} at ${purchase.name}, so ${how} goes to savings.`,
    });
  }
  return candidates;
}

/** "20,00 kr." for a fixed amount, "10 % of it (4,50 kr.)" for a percentage; the percent formatted once. */
function howMuchText(amount: SaveAmount, context: Context): (amountMinor: number) => string {
  if (amount.kind === 'fixed') return context.money;
  const percentOfIt = `${context.percent(amount.percent)} % of it (`;
  return (amountMinor) => `${percentOfIt}${context.money(amountMinor)})`;
}

function paydayCandidates(prepared: PreparedRule, rule: RuleOf<'payday'>, context: Context): Candidate[] {
  const candidates: Candidate[] = [];
  const wantedPayer = rule.counterparty?.toLocaleLowerCase('da-DK');
  for (const payment of context.incoming) {
    if (payment.bookingDate < rule.activeFrom || payment.amountMinor < rule.thresholdMinor) continue;
    if (wantedPayer !== undefined) {
      const payer = `${payment.counterpartyName ?? ''}\n${payment.text ?? ''}`.toLocaleLowerCase('da-DK');
      if (!payer.includes(wantedPayer)) continue;
    }
    const amountMinor = amountOf(rule.amount, payment.amountMinor);
    if (amountMinor <= 0) continue;
    const how = howMuchText(rule.amount, context)(amountMinor);
    candidates.push({
      prepared,
      trigger: transactionTrigger(payment),
      amountMinor,
      description: `Payday: ${context.money(payment.amountMinor)} from ${describeTransaction(payment)}, so ${how} goes to savings.`,
    });
  }
  return candidates;
}

/** Local dates from the later of `calendarFrom` and `activeFrom` up to today. */
function calendarDates(activeFrom: LocalDate, context: Context): LocalDate[] {
  return eachDate(maxDate(context.calendarFrom, activeFrom), context.today);
}

function setAndForgetCandidates(
  prepared: PreparedRule,
  rule: RuleOf<'set-and-forget'>,
  context: Context,
): Candidate[] {
  const candidates: Candidate[] = [];
  const schedule = rule.schedule;
  for (const date of calendarDates(rule.activeFrom, context)) {
    let trigger: Trigger | null = null;
    let when = '';
    if (schedule.every === 'day') {
      trigger = periodTrigger(date, date);
      when = 'every day';
    } else if (schedule.every === 'week') {
      if (isoWeekday(date) !== schedule.weekday) continue;
      trigger = periodTrigger(isoWeekKey(date), date);
      when = `every ${WEEKDAY_NAMES[schedule.weekday - 1]}`;
    } else {
      const year = Number(date.slice(0, 4));
      const month = Number(date.slice(5, 7));
      // The 31st means the last day in shorter months.
      if (Number(date.slice(8, 10)) !== Math.min(schedule.dayOfMonth, daysInMonth(year, month))) continue;
      trigger = periodTrigger(monthKey(date), date);
      when = `monthly on day ${schedule.dayOfMonth}`;
    }
    candidates.push({
      prepared,
      trigger,
      amountMinor: rule.amountMinor,
      description: `Set & forget, ${when}: ${context.money(rule.amountMinor)} on ${date}.`,
    });
  }
  return candidates;
}

function fiftyTwoWeekCandidates(
  prepared: PreparedRule,
  rule: RuleOf<'52-week'>,
  context: Context,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const date of calendarDates(maxDate(rule.activeFrom, rule.startDate), context)) {
    const days = daysBetween(rule.startDate, date);
    if (days % 7 !== 0) continue;
    const week = days / 7 + 1;
    if (week > 52) break;
    const units = rule.direction === 'forward' ? week : 53 - week;
    const amountMinor = rule.unitMinor * units;
    candidates.push({
      prepared,
      trigger: periodTrigger(isoWeekKey(date), date),
      amountMinor,
      description: `52-week challenge${rule.direction === 'reverse' ? ' (reverse)' : ''}, week ${week} of 52: ${units} × ${context.money(rule.unitMinor)} = ${sentence(context.money(amountMinor))}`,
    });
  }
  return candidates;
}

function habitCandidates(prepared: PreparedRule, rule: RuleOf<'habit'>, context: Context): Candidate[] {
  const candidates: Candidate[] = [];
  const logged = context.loggedDates.get(rule.habitId) ?? new Set<LocalDate>();
  const name = context.habitNames.get(rule.habitId) ?? 'habit';
  for (const { action, date } of context.habitActions) {
    if (action.habitId !== rule.habitId || date < rule.activeFrom || date > context.today) continue;
    const streak = streakEndingOn(logged, date);
    const bonus = rule.streakBonus;
    if (bonus && streak >= bonus.afterDays) {
      const factorBasisPoints = (percentToBasisPoints(bonus.multiplier) ?? 100) * 100;
      const amountMinor = applyBasisPoints(rule.amountMinor, factorBasisPoints);
      candidates.push({
        prepared,
        trigger: { kind: 'habit-action', ref: action.id, date },
        amountMinor,
        description: `Logged ${name} on day ${streak} of a streak: ${context.money(rule.amountMinor)} × ${context.percent(bonus.multiplier)} = ${sentence(context.money(amountMinor))}`,
      });
    } else {
      candidates.push({
        prepared,
        trigger: { kind: 'habit-action', ref: action.id, date },
        amountMinor: rule.amountMinor,
        description: `Logged ${name}: ${sentence(context.money(rule.amountMinor))}`,
      });
    }
  }
  return candidates;
}

/** Period ends that are judged (end + grace + 1 day) between `calendarFrom` and today. */
function judgedDays(context: Context): LocalDate[] {
  const offset = context.graceDays + 1;
  return eachDate(addDays(context.calendarFrom, -offset), addDays(context.today, -offset));
}

function spendLessCandidates(
  prepared: PreparedRule,
  rule: RuleOf<'spend-less'>,
  context: Context,
): Candidate[] {
  const candidates: Candidate[] = [];
  const matches = purchaseMatcher(rule.match);
  for (const end of judgedDays(context)) {
    const isEnd = rule.period === 'week' ? isoWeekday(end) === 7 : end === endOfMonth(end);
    if (!isEnd) continue;
    const start = periodStart(rule.period, end);
    // A period that began before the rule was switched on is never judged: no retroactive saves.
    if (start < rule.activeFrom) continue;
    let spent = 0;
    for (const date of eachDate(start, end)) {
      for (const purchase of context.purchasesByDate.get(date) ?? []) {
        if (matches(purchase.texts)) spent = addMinor(spent, -purchase.transaction.amountMinor);
      }
    }
    const amountMinor = rule.budgetMinor - spent;
    if (amountMinor <= 0) continue;
    const key = periodKeyOf(rule.period, end);
    candidates.push({
      prepared,
      trigger: periodTrigger(key, end),
      amountMinor,
      description: `Spend less on ${describeMatch(rule.match)}: spent ${context.money(spent)} of a ${context.money(rule.budgetMinor)} budget in ${key}, so the ${context.money(amountMinor)} left goes to savings.`,
    });
  }
  return candidates;
}

function noSpendDayCandidates(
  prepared: PreparedRule,
  rule: RuleOf<'no-spend-day'>,
  context: Context,
): Candidate[] {
  const candidates: Candidate[] = [];
  const match = rule.match;
  const matches = match === undefined ? () => true : purchaseMatcher(match);
  for (const day of judgedDays(context)) {
    if (day < rule.activeFrom) continue;
    const spentThatDay = (context.purchasesByDate.get(day) ?? []).some((purchase) => matches(purchase.texts));
    if (spentThatDay) continue;
    candidates.push({
      prepared,
      trigger: periodTrigger(day, day),
      amountMinor: rule.amountMinor,
      description: `No ${describeMatch(match)} purchase on ${day}: ${sentence(context.money(rule.amountMinor))}`,
    });
  }
  return candidates;
}
