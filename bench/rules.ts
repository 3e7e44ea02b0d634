/**
 * Rules-engine throughput (issue 3): many savers with 10 active rules each, evaluated over their
 * transactions, beside a baseline measured in the same run over the same data (only parsing the
 * bank's amount strings). Prints one JSON line. Sizes: BENCH_SAVERS (1000), BENCH_TRANSACTIONS_PER_SAVER (1000).
 *   npm run bench:rules
 */
import { addDays } from '#domain/calendar';
import { evaluate } from '#domain/evaluate';
import type { Goal } from '#domain/goals';
import { parseAmountToMinor } from '#domain/money';
import { type Rule, RuleSchema } from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import type { Transaction } from '#domain/transaction';

const savers = Number(process.env.BENCH_SAVERS ?? 1000);
const perSaver = Number(process.env.BENCH_TRANSACTIONS_PER_SAVER ?? 1000);
const DAYS = 90;
const FIRST_DAY = '2026-08-01';
const NOW = new Date(`${addDays(FIRST_DAY, DAYS)}T10:00:00Z`);

/** A small deterministic generator, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const MERCHANTS = [
  { name: 'Netto', category: 'groceries', low: 2500, high: 45000 },
  { name: 'Føtex', category: 'groceries', low: 3000, high: 60000 },
  { name: 'Espresso House', category: 'cafe', low: 3500, high: 7500 },
  { name: 'Joe & The Juice', category: 'cafe', low: 4500, high: 9000 },
  { name: '7-Eleven', category: 'convenience', low: 1500, high: 8000 },
  { name: 'Wolt', category: 'takeaway', low: 9000, high: 35000 },
  { name: 'DSB', category: 'transport', low: 2400, high: 30000 },
  { name: 'Netflix', category: 'subscription', low: 11900, high: 11900 },
];

interface RawTransaction {
  id: string;
  bookingDate: string;
  /** As the bank sends it: a decimal string. */
  amount: string;
  kind: Transaction['kind'];
  counterpartyName: string;
  merchantCategory?: string;
}

function transactionsOf(saver: number): RawTransaction[] {
  const next = random(saver + 1);
  const items: RawTransaction[] = [];
  for (let index = 0; index < perSaver; index += 1) {
    const bookingDate = addDays(FIRST_DAY, Math.floor((index / perSaver) * DAYS));
    if (index % 300 === 0) {
      items.push({
        id: `s${saver}-t${index}`,
        bookingDate,
        amount: '32500.00',
        kind: 'incoming',
        counterpartyName: 'Arbejdsgiver A/S',
      });
      continue;
    }
    const merchant = MERCHANTS[Math.floor(next() * MERCHANTS.length)] ?? MERCHANTS[0];
    if (!merchant) throw new Error('no merchants');
    const minor = merchant.low + Math.floor(next() * (merchant.high - merchant.low + 1));
    items.push({
      id: `s${saver}-t${index}`,
      bookingDate,
      amount: `-${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`,
      kind: 'card',
      counterpartyName: merchant.name,
      merchantCategory: merchant.category,
    });
  }
  return items;
}

const settings: SaverSettings = {
  email: 'bench@example.dk',
  balanceFloorMinor: 0,
  monthlyBudgetMinor: null,
  minimumTransferMinor: 5000,
  paused: false,
  timeZone: 'Europe/Copenhagen',
  locale: 'da-DK',
  currency: 'DKK',
};

const goals: Goal[] = [
  {
    id: 'rome',
    name: 'Rome',
    emoji: null,
    targetMinor: 100_000_000,
    currency: 'DKK',
    deadline: null,
    savedMinor: 0,
    status: 'active',
    priority: 0,
    whenReached: 'stop-rules',
  },
  {
    id: 'bike',
    name: 'Bike',
    emoji: null,
    targetMinor: 100_000_000,
    currency: 'DKK',
    deadline: null,
    savedMinor: 0,
    status: 'active',
    priority: 1,
    whenReached: 'stop-rules',
  },
];

const rules: Rule[] = [
  { type: 'round-up', roundToMinor: 1000, multiplier: 1 },
  { type: 'round-up', roundToMinor: 500, multiplier: 2, goalId: 'bike' },
  { type: 'guilty-pleasure', match: { category: 'cafe' }, amount: { kind: 'fixed', amountMinor: 2000 } },
  { type: 'guilty-pleasure', match: { merchantText: 'wolt' }, amount: { kind: 'percent', percent: 10 } },
  {
    type: 'guilty-pleasure',
    match: { counterparty: '7-Eleven' },
    amount: { kind: 'fixed', amountMinor: 1000 },
    caps: { perDayMinor: 3000 },
  },
  { type: 'payday', thresholdMinor: 1_000_000, amount: { kind: 'percent', percent: 10 } },
  { type: 'set-and-forget', schedule: { every: 'week', weekday: 1 }, amountMinor: 10_000 },
  { type: '52-week', unitMinor: 100, direction: 'forward', startDate: FIRST_DAY },
  { type: 'spend-less', match: { category: 'takeaway' }, period: 'week', budgetMinor: 30_000 },
  { type: 'no-spend-day', match: { category: 'takeaway' }, amountMinor: 2500 },
].map((rule, index) =>
  RuleSchema.parse({ id: `rule-${index}`, activeFrom: FIRST_DAY, goalId: 'rome', ...rule }),
);

const data = Array.from({ length: savers }, (_, saver) => transactionsOf(saver));
const total = savers * perSaver;

function toTransaction(raw: RawTransaction): Transaction {
  return {
    id: raw.id,
    accountId: 'current',
    bookingDate: raw.bookingDate,
    amountMinor: parseAmountToMinor(raw.amount, 'DKK'),
    currency: 'DKK',
    status: 'booked',
    kind: raw.kind,
    counterpartyName: raw.counterpartyName,
    ...(raw.merchantCategory ? { merchantCategory: raw.merchantCategory } : {}),
  };
}

const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

// Baseline: the same data, only parsed into domain transactions.
let checksum = 0;
const baselineCpuStart = cpuSeconds();
const baselineStart = performance.now();
for (const items of data) for (const raw of items) checksum += toTransaction(raw).amountMinor;
const baselineSeconds = (performance.now() - baselineStart) / 1000;
const baselineCpuSeconds = cpuSeconds() - baselineCpuStart;

// Engine: each saver's transactions are parsed as in the baseline, but only `evaluate` is timed, so
// the parsing is not counted twice; parse + evaluate together are reported as `endToEnd`.
let entries = 0;
let engineSeconds = 0;
let engineCpuSeconds = 0;
let parseSeconds = 0;
for (const [saver, items] of data.entries()) {
  const parseStart = performance.now();
  const transactions = items.map(toTransaction);
  parseSeconds += (performance.now() - parseStart) / 1000;
  const cpuStart = cpuSeconds();
  const start = performance.now();
  const result = evaluate({
    saverId: `saver-${saver}`,
    settings,
    rules,
    goals,
    transactions,
    calendarFrom: FIRST_DAY,
    now: NOW,
  });
  engineSeconds += (performance.now() - start) / 1000;
  engineCpuSeconds += cpuSeconds() - cpuStart;
  entries += result.entries.length;
}
const endToEndSeconds = parseSeconds + engineSeconds;

const evaluations = total * rules.length;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
console.log(
  JSON.stringify({
    bench: 'rules',
    savers,
    transactions: total,
    rulesPerSaver: rules.length,
    entries,
    ruleEvaluationsPerSecond: Math.round(evaluations / engineSeconds),
    engineSeconds: round(engineSeconds),
    baselineTransactionsPerSecond: Math.round(total / baselineSeconds),
    baselineSeconds: round(baselineSeconds),
    engineOverBaseline: round(engineSeconds / baselineSeconds, 1),
    // CPU time of the process (all threads, GC helpers included), for runs on a shared, busy machine.
    cpu: {
      engineSeconds: round(engineCpuSeconds),
      baselineSeconds: round(baselineCpuSeconds),
      ruleEvaluationsPerSecond: Math.round(evaluations / engineCpuSeconds),
    },
    // Parsing plus evaluation of each saver, as the loop ran them.
    endToEnd: {
      seconds: round(endToEndSeconds),
      ruleEvaluationsPerSecond: Math.round(evaluations / endToEndSeconds),
      overBaseline: round(endToEndSeconds / baselineSeconds, 1),
    },
    goal: { ruleEvaluationsPerSecond: 5_000_000, engineOverBaseline: 5 },
    checksum,
  }),
);
