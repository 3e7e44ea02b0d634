import {
  currencyDigits,
  minorToInput,
  numberToInput,
  parseAmount,
  parseDecimal,
  parseWhole,
} from './amountInput.ts';
import type { DraftRule, PurchaseMatch, Rule, RuleCaps, RuleType, SaveAmount } from './api/types.ts';
import { formatAmount } from './format.ts';
import { text } from './text.ts';

/**
 * The rule catalogue as plain data for the editor, and the plain-language preview. The fields and
 * bounds mirror shared/domain/rules.ts, which the web must not import (it pulls in zod).
 */

export const RULE_TYPES: readonly RuleType[] = [
  'round-up',
  'guilty-pleasure',
  'payday',
  'set-and-forget',
  '52-week',
  'habit',
  'spend-less',
  'no-spend-day',
];

export const isRuleType = (value: string | null): value is RuleType =>
  value !== null && (RULE_TYPES as readonly string[]).includes(value);

/** Round-up bases the API accepts, in whole currency units. */
export const ROUND_UP_UNITS = [1, 5, 10, 50, 100] as const;

/** Every field the editor shows, as typed text; which ones count depends on `type`. */
export interface RuleForm {
  type: RuleType;
  name: string;
  goalId: string;
  roundToUnits: string;
  multiplier: string;
  merchantText: string;
  category: string;
  amountKind: 'fixed' | 'percent';
  amount: string;
  percent: string;
  threshold: string;
  counterparty: string;
  every: 'day' | 'week' | 'month';
  weekday: string;
  dayOfMonth: string;
  unit: string;
  direction: 'forward' | 'reverse';
  startDate: string;
  habitId: string;
  bonusOn: boolean;
  afterDays: string;
  bonusMultiplier: string;
  period: 'week' | 'month';
  budget: string;
  capDay: string;
  capWeek: string;
  capMonth: string;
  paused: boolean;
  /** A split made elsewhere (through the API) is kept as it is; the editor funds one goal. */
  split?: { goalId: string; percent: number }[];
}

export type RuleFormField = Exclude<keyof RuleForm, 'type' | 'paused' | 'split' | 'bonusOn'>;
export type RuleFormErrors = Partial<Record<RuleFormField, string>>;

/** A new rule of a type, with amounts most savers start from. */
export function emptyRuleForm(
  type: RuleType,
  defaults: { goalId?: string; habitId?: string; today: string },
): RuleForm {
  const amount: Partial<Record<RuleType, string>> = {
    'guilty-pleasure': '20',
    'set-and-forget': '100',
    habit: '25',
    'no-spend-day': '30',
  };
  return {
    type,
    name: '',
    goalId: defaults.goalId ?? '',
    roundToUnits: '10',
    multiplier: '1',
    merchantText: '',
    category: '',
    amountKind: type === 'payday' ? 'percent' : 'fixed',
    amount: amount[type] ?? '',
    percent: '10',
    threshold: '10000',
    counterparty: '',
    every: 'week',
    weekday: '1',
    dayOfMonth: '1',
    unit: '10',
    direction: 'forward',
    startDate: defaults.today,
    habitId: defaults.habitId ?? '',
    bonusOn: false,
    afterDays: '5',
    bonusMultiplier: '2',
    period: 'week',
    budget: '500',
    capDay: '',
    capWeek: '',
    capMonth: '',
    paused: false,
  };
}

/** A stored rule as the editor's text fields, in the saver's locale. */
export function ruleFormOf(rule: Rule, currency: string, locale: string): RuleForm {
  const money = (minor: number | undefined) =>
    minor === undefined ? '' : minorToInput(minor, currency, locale);
  const form = emptyRuleForm(rule.type, { today: '' });
  form.name = rule.name ?? '';
  form.goalId = rule.goalId ?? '';
  if (rule.split) form.split = rule.split;
  form.paused = rule.paused;
  form.capDay = money(rule.caps.perDayMinor);
  form.capWeek = money(rule.caps.perWeekMinor);
  form.capMonth = money(rule.caps.perMonthMinor);
  const setAmount = (amount: SaveAmount) => {
    form.amountKind = amount.kind;
    if (amount.kind === 'fixed') form.amount = money(amount.amountMinor);
    else form.percent = numberToInput(amount.percent, locale);
  };
  const setMatch = (match: PurchaseMatch | undefined) => {
    form.merchantText = match?.merchantText ?? match?.counterparty ?? '';
    form.category = match?.category ?? '';
  };
  switch (rule.type) {
    case 'round-up':
      form.roundToUnits = String(rule.roundToMinor / 10 ** currencyDigits(currency));
      form.multiplier = String(rule.multiplier);
      break;
    case 'guilty-pleasure':
      setMatch(rule.match);
      setAmount(rule.amount);
      break;
    case 'payday':
      form.threshold = money(rule.thresholdMinor);
      form.counterparty = rule.counterparty ?? '';
      setAmount(rule.amount);
      break;
    case 'set-and-forget':
      form.every = rule.schedule.every;
      if (rule.schedule.every === 'week') form.weekday = String(rule.schedule.weekday);
      if (rule.schedule.every === 'month') form.dayOfMonth = String(rule.schedule.dayOfMonth);
      form.amount = money(rule.amountMinor);
      break;
    case '52-week':
      form.unit = money(rule.unitMinor);
      form.direction = rule.direction;
      form.startDate = rule.startDate;
      break;
    case 'habit':
      form.habitId = rule.habitId;
      form.amount = money(rule.amountMinor);
      form.bonusOn = rule.streakBonus !== undefined;
      if (rule.streakBonus) {
        form.afterDays = String(rule.streakBonus.afterDays);
        form.bonusMultiplier = numberToInput(rule.streakBonus.multiplier, locale);
      }
      break;
    case 'spend-less':
      setMatch(rule.match);
      form.period = rule.period;
      form.budget = money(rule.budgetMinor);
      break;
    case 'no-spend-day':
      setMatch(rule.match);
      form.amount = money(rule.amountMinor);
      break;
  }
  return form;
}

/** Checks the form as the API would and builds the draft rule to save or backtest. */
export function ruleDraftOf(
  form: RuleForm,
  currency: string,
  locale = 'da-DK',
): { ok: true; draft: DraftRule } | { ok: false; errors: RuleFormErrors } {
  const errors: RuleFormErrors = {};
  const amountOf = (field: RuleFormField, optional = false): number | undefined => {
    const parsed = parseAmount(String(form[field] ?? ''), currency, locale);
    if (!parsed.ok && parsed.problem === 'empty') {
      if (!optional) errors[field] = text.rules.required;
      return undefined;
    }
    if (!parsed.ok) errors[field] = text.rules.amountInvalid;
    else if (parsed.minor <= 0) errors[field] = text.rules.amountPositive;
    else return parsed.minor;
    return undefined;
  };
  const wholeOf = (field: RuleFormField, min: number, max: number): number | undefined => {
    const value = parseWhole(String(form[field] ?? ''), min, max);
    if (value === null) errors[field] = text.rules.wholeNumber(min, max);
    return value ?? undefined;
  };
  const saveAmount = (): SaveAmount | undefined => {
    if (form.amountKind === 'fixed') {
      const amountMinor = amountOf('amount');
      return amountMinor === undefined ? undefined : { kind: 'fixed', amountMinor };
    }
    const percent = parseDecimal(form.percent);
    if (percent === null || percent <= 0 || percent > 100) {
      errors.percent = text.rules.percentInvalid;
      return undefined;
    }
    return { kind: 'percent', percent };
  };
  const match = (required: boolean): PurchaseMatch | undefined => {
    const merchantText = form.merchantText.trim();
    const category = form.category.trim();
    if (merchantText === '' && category === '') {
      if (required) errors.merchantText = text.rules.matchRequired;
      return undefined;
    }
    return { ...(merchantText ? { merchantText } : {}), ...(category ? { category } : {}) };
  };

  let fields: Record<string, unknown> = {};
  switch (form.type) {
    case 'round-up': {
      const units = Number(form.roundToUnits);
      if (!(ROUND_UP_UNITS as readonly number[]).includes(units)) errors.roundToUnits = text.rules.required;
      fields = {
        roundToMinor: units * 10 ** currencyDigits(currency),
        multiplier: wholeOf('multiplier', 1, 10),
      };
      break;
    }
    case 'guilty-pleasure':
      fields = { match: match(true), amount: saveAmount() };
      break;
    case 'payday': {
      const counterparty = form.counterparty.trim();
      fields = {
        thresholdMinor: amountOf('threshold'),
        ...(counterparty ? { counterparty } : {}),
        amount: saveAmount(),
      };
      break;
    }
    case 'set-and-forget': {
      const schedule =
        form.every === 'day'
          ? { every: 'day' }
          : form.every === 'week'
            ? { every: 'week', weekday: wholeOf('weekday', 1, 7) }
            : { every: 'month', dayOfMonth: wholeOf('dayOfMonth', 1, 31) };
      fields = { schedule, amountMinor: amountOf('amount') };
      break;
    }
    case '52-week':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(form.startDate)) errors.startDate = text.rules.dateRequired;
      fields = { unitMinor: amountOf('unit'), direction: form.direction, startDate: form.startDate };
      break;
    case 'habit': {
      if (form.habitId === '') errors.habitId = text.rules.chooseHabit;
      let streakBonus: { afterDays: number | undefined; multiplier: number } | undefined;
      if (form.bonusOn) {
        const multiplier = parseDecimal(form.bonusMultiplier);
        if (multiplier === null || multiplier < 1 || multiplier > 10)
          errors.bonusMultiplier = text.rules.multiplierInvalid;
        streakBonus = { afterDays: wholeOf('afterDays', 2, 365), multiplier: multiplier ?? 1 };
      }
      fields = {
        habitId: form.habitId,
        amountMinor: amountOf('amount'),
        ...(streakBonus ? { streakBonus } : {}),
      };
      break;
    }
    case 'spend-less':
      fields = { match: match(true), period: form.period, budgetMinor: amountOf('budget') };
      break;
    case 'no-spend-day': {
      const given = match(false);
      fields = { ...(given ? { match: given } : {}), amountMinor: amountOf('amount') };
      break;
    }
  }

  if (!form.split && form.goalId === '') errors.goalId = text.rules.chooseGoal;
  const caps: RuleCaps = {};
  const perDayMinor = amountOf('capDay', true);
  const perWeekMinor = amountOf('capWeek', true);
  const perMonthMinor = amountOf('capMonth', true);
  if (perDayMinor !== undefined) caps.perDayMinor = perDayMinor;
  if (perWeekMinor !== undefined) caps.perWeekMinor = perWeekMinor;
  if (perMonthMinor !== undefined) caps.perMonthMinor = perMonthMinor;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const name = form.name.trim();
  const draft = {
    type: form.type,
    ...fields,
    ...(name ? { name } : {}),
    ...(form.split ? { split: form.split } : { goalId: form.goalId }),
    caps,
    paused: form.paused,
  } as DraftRule;
  return { ok: true, draft };
}

export interface PreviewContext {
  currency: string;
  locale: string;
  goalName: (id: string) => string | undefined;
  habitName: (id: string) => string | undefined;
}

/**
 * The rule in one or two plain sentences ("Every time you buy at “café”, 20,00 kr. goes to Rome."),
 * from the form as typed so far: what is not filled in yet reads as "an amount you choose".
 */
export function rulePreview(form: RuleForm, context: PreviewContext): string {
  const words = text.rules.preview;
  const money = (input: string) => {
    const parsed = parseAmount(input, context.currency, context.locale);
    return parsed.ok && parsed.minor > 0
      ? formatAmount(parsed.minor, context.currency, context.locale)
      : words.someAmount;
  };
  const goal = form.split
    ? form.split.map((share) => context.goalName(share.goalId) ?? words.someGoal).join(' + ')
    : (context.goalName(form.goalId) ?? words.someGoal);
  const merchant = form.merchantText.trim() || null;
  const category = form.category.trim() || null;
  const what = merchant || category ? words.matchText(merchant, category) : null;
  const percentText = (parseDecimal(form.percent) ?? 0) > 0 ? form.percent.trim() : '…';
  const saveAmount = (percentWords: (percent: string) => string) =>
    form.amountKind === 'fixed' ? money(form.amount) : percentWords(percentText);

  let sentence: string;
  switch (form.type) {
    case 'round-up': {
      const base = formatAmount(
        Number(form.roundToUnits) * 10 ** currencyDigits(context.currency),
        context.currency,
        context.locale,
      );
      sentence = words.roundUp(base, parseWhole(form.multiplier, 1, 10) ?? 1, goal);
      break;
    }
    case 'guilty-pleasure':
      sentence = words.guiltyPleasure(what ?? words.somewhere, saveAmount(words.percentOfPurchase), goal);
      break;
    case 'payday':
      sentence = words.payday(
        money(form.threshold),
        form.counterparty.trim() ? words.quoted(form.counterparty.trim()) : null,
        saveAmount(words.percentOfPayment),
        goal,
      );
      break;
    case 'set-and-forget': {
      const weekday = text.rules.weekdays[(parseWhole(form.weekday, 1, 7) ?? 1) - 1] ?? '';
      const when =
        form.every === 'day'
          ? words.daily
          : form.every === 'week'
            ? words.weekly(weekday)
            : words.monthly(parseWhole(form.dayOfMonth, 1, 31) ?? 1);
      sentence = words.setAndForget(when, money(form.amount), goal);
      break;
    }
    case '52-week': {
      const unit = parseAmount(form.unit, context.currency, context.locale);
      if (unit.ok && unit.minor > 0) {
        const small = formatAmount(unit.minor, context.currency, context.locale);
        const big = formatAmount(unit.minor * 52, context.currency, context.locale);
        sentence =
          form.direction === 'forward'
            ? words.fiftyTwoWeeks(small, big, goal)
            : words.fiftyTwoWeeks(big, small, goal);
      } else {
        sentence = words.fiftyTwoWeeks(words.someAmount, words.someAmount, goal);
      }
      break;
    }
    case 'habit': {
      const habit = context.habitName(form.habitId);
      sentence = words.habit(habit ? words.quoted(habit) : words.someHabit, money(form.amount), goal);
      const multiplier = parseDecimal(form.bonusMultiplier);
      const days = parseWhole(form.afterDays, 2, 365);
      if (form.bonusOn && multiplier !== null && days !== null) {
        sentence += words.streakBonus(form.bonusMultiplier.trim(), days);
      }
      break;
    }
    case 'spend-less':
      sentence = words.spendLess(
        words.period[form.period] ?? form.period,
        money(form.budget),
        what ?? words.somewhere,
        goal,
      );
      break;
    case 'no-spend-day':
      sentence = words.noSpendDay(what, money(form.amount), goal);
      break;
  }

  const limits: string[] = [];
  const cap = (input: string, phrase: (amount: string) => string) => {
    const parsed = parseAmount(input, context.currency, context.locale);
    if (parsed.ok && parsed.minor > 0)
      limits.push(phrase(formatAmount(parsed.minor, context.currency, context.locale)));
  };
  cap(form.capDay, words.capDay);
  cap(form.capWeek, words.capWeek);
  cap(form.capMonth, words.capMonth);
  if (limits.length > 0) sentence += words.caps(limits);
  if (form.paused) sentence += words.paused;
  return sentence;
}

/** What a rule is called in lists: its own name, else its type. */
export const ruleTitle = (rule: Pick<Rule, 'name' | 'type'>): string =>
  rule.name ?? text.rules.types[rule.type]?.name ?? rule.type;

/** The Monday an ISO week (`2026-W47`) starts on, as a local date; null for anything else. */
export function isoWeekStart(key: string): string | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  // 4 January is always in week 1; its week's Monday starts week 1.
  const january4 = Date.UTC(year, 0, 4);
  const weekday = new Date(january4).getUTCDay() || 7;
  const start = new Date(january4 + ((week - 1) * 7 - (weekday - 1)) * 86_400_000);
  return start.toISOString().slice(0, 10);
}
