/**
 * The demo saver's money (local data only): a real consent for the simulator's demo customer, two
 * goals, a handful of rules and 90 days of history with paid transfers, so `npm start` opens on a
 * living dashboard. Everything goes through the application's own use cases and the automation; the
 * only shortcuts (marked "demo data only") move the rules' switch-on date and the calendar back 90 days.
 */
import { automation } from '#app/automation-wiring';
import { createBankLinking } from '#app/bank-linking';
import { HISTORY_DAYS } from '#app/sync';
import type { ExecuteOutcome } from '#app/transfers';
import { goals, nordea, rules, savers, secretVault, settings } from '#app/wiring';
import { NordeaClient } from '#bank/client';
import { saverPresent } from '#bank/transport';
import { config } from '#config/env';
import { addDays, type LocalDate, localDateOf } from '#domain/calendar';
import { type NewGoal, NewGoalSchema } from '#domain/goals';
import { DraftRuleSchema, RuleSchema } from '#domain/rules';
import { BankRepository } from '#store/bank-repository';
import { dynamoDocumentClient } from '#store/client';
import { SaverItems } from '#store/saver-items';
import { simulatorCustomerFetch } from './simulator-consent.ts';

/** The simulator's customer that its live generator feeds (`demoCustomerId`). */
export const DEMO_CUSTOMER_ID = 'psu-demo';

/** The seed acts as the saver at the keyboard: its bank calls don't spend the PSD2 unattended budget. */
const SEED_CONTEXT = saverPresent('127.0.0.1', 'sparegris-local-seed');

const demoGoals = (today: LocalDate): (NewGoal & { key: 'rome' | 'emergency' })[] => [
  {
    key: 'rome',
    ...NewGoalSchema.parse({
      name: 'Rome',
      emoji: '✈️',
      targetMinor: 800_000,
      currency: 'DKK',
      deadline: addDays(today, 180),
      priority: 0,
    }),
  },
  {
    key: 'emergency',
    ...NewGoalSchema.parse({
      name: 'Emergency fund',
      emoji: '🛟',
      targetMinor: 2_000_000,
      currency: 'DKK',
      priority: 1,
    }),
  },
];

/** Named, so a restart finds them again; merchants are ones the simulator's spending uses. */
const demoRules = (goalIds: Record<'rome' | 'emergency', string>) =>
  [
    { name: 'Round up every purchase to 10 kr', type: 'round-up', roundToMinor: 1_000, goalId: goalIds.rome },
    {
      name: 'Coffee at Lagkagehuset: 20 kr',
      type: 'guilty-pleasure',
      match: { merchantText: 'Lagkagehuset' },
      amount: { kind: 'fixed', amountMinor: 2_000 },
      goalId: goalIds.rome,
    },
    {
      name: 'Coffee at Espresso House: 20 kr',
      type: 'guilty-pleasure',
      match: { merchantText: 'Espresso House' },
      amount: { kind: 'fixed', amountMinor: 2_000 },
      goalId: goalIds.rome,
    },
    {
      name: 'Payday: 10 % of my salary',
      type: 'payday',
      thresholdMinor: 1_000_000,
      amount: { kind: 'percent', percent: 10 },
      goalId: goalIds.emergency,
    },
    {
      name: 'Every Friday: 100 kr',
      type: 'set-and-forget',
      schedule: { every: 'week', weekday: 5 },
      amountMinor: 10_000,
      goalId: goalIds.emergency,
    },
  ].map((rule) => DraftRuleSchema.parse(rule));

export interface DemoSummary {
  linked: boolean;
  goalsCreated: number;
  rulesCreated: number;
  transfersPaid: number;
  savedMinor: number;
}

/** Links the demo saver to the simulator's demo customer through the real linking use case. */
async function linkDemoBank(saverId: string): Promise<void> {
  const { TABLE_NAME, WEB_ORIGIN, BANK_TOKENS_SECRET_PREFIX } = config();
  const client = new NordeaClient((await nordea()).config, {
    fetch: simulatorCustomerFetch(DEMO_CUSTOMER_ID),
  });
  const linking = createBankLinking({
    bank: new BankRepository(dynamoDocumentClient(), TABLE_NAME),
    vault: secretVault(),
    client: async () => client,
    tokenSecretId: (id) => `${BANK_TOKENS_SECRET_PREFIX}/${id}`,
    webOrigin: WEB_ORIGIN,
    now: () => new Date(),
  });
  // The browser would follow authorizeUrl to the bank and come back to the callback; with the consent
  // page skipped, the bank's answer already is that redirect back (code and state).
  const { authorizeUrl, state } = await linking.connect(saverId, SEED_CONTEXT);
  const outcome = await linking.callback(new URL(authorizeUrl).searchParams, SEED_CONTEXT, state);
  if (!outcome.endsWith('bank=linked')) throw new Error(`linking the demo bank ended with ${outcome}`);
}

/**
 * Runs the automation over the history as it would have run week by week since `from` (a saver-present
 * sync on each clock, then the executor for what it planned), ending with one at the real time. The
 * bank pays every transfer now; the saver's activity shows them on the days they were planned.
 */
async function replayHistory(
  saverId: string,
  from: LocalDate,
  today: LocalDate,
): Promise<{ paid: number; outcomes: Record<string, number> }> {
  let clock = () => new Date();
  const planned: string[] = [];
  const app = automation({
    now: () => clock(),
    executeLater: async (_saverId, transferId) => {
      planned.push(transferId);
    },
  });
  // Demo data only: the calendar rules (the weekly save) start with the rules, 90 days back.
  await app.store.saveSyncProgress(saverId, { calendarFrom: from });
  const instants: Date[] = [];
  for (let day = addDays(from, 6); day < today; day = addDays(day, 7)) {
    instants.push(new Date(`${day}T18:00:00Z`));
  }
  const outcomes: Record<string, number> = {};
  for (const instant of [...instants, undefined]) {
    clock = instant ? () => instant : () => new Date();
    const summary = await app.sync.syncSaver(saverId, { kind: 'saver-present', context: SEED_CONTEXT });
    if (summary.outcome !== 'synced') throw new Error(`the demo sync ended with ${summary.outcome}`);
    for (const transferId of planned.splice(0)) {
      const outcome: ExecuteOutcome = await app.transfers.execute(saverId, transferId);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  }
  return { paid: outcomes.paid ?? 0, outcomes };
}

/**
 * Gives the demo saver a linked bank, goals, rules and a history with paid transfers. Idempotent: it
 * does all of it only while the saver has no bank connection; goals and rules are found by name, so a
 * run cut short is completed without duplicates. Once linked, the scheduled jobs take over.
 */
export async function seedDemoBank(
  saverId: string,
  log: (message: string) => void,
): Promise<DemoSummary | undefined> {
  const { TABLE_NAME } = config();
  const bank = new BankRepository(dynamoDocumentClient(), TABLE_NAME);
  if (await bank.getConnection(saverId)) return undefined;

  const profile = await savers().getProfile(saverId);
  if (!profile) throw new Error(`the demo saver ${saverId} has no profile`);
  const today = localDateOf(new Date(), profile.settings.timeZone);
  // The oldest day a sync reads: rules switched on then act on everything the bank shows.
  const from = addDays(today, -(HISTORY_DAYS - 1));

  await settings().update(saverId, { balanceFloorMinor: 100_000, minimumTransferMinor: 10_000 });

  const goalUseCase = goals();
  const existingGoals = (await goalUseCase.list(saverId)).items;
  const goalIds = { rome: '', emergency: '' };
  let goalsCreated = 0;
  for (const { key, ...goal } of demoGoals(today)) {
    const found = existingGoals.find((candidate) => candidate.name === goal.name);
    goalIds[key] = found ? found.id : (await goalUseCase.create(saverId, goal)).id;
    if (!found) goalsCreated += 1;
  }

  const ruleUseCase = rules();
  const ruleItems = new SaverItems(dynamoDocumentClient(), TABLE_NAME, 'RULE', RuleSchema);
  const existingRules = await ruleItems.all(saverId);
  let rulesCreated = 0;
  for (const draft of demoRules(goalIds)) {
    if (existingRules.some((rule) => rule.name === draft.name)) continue;
    const created = await ruleUseCase.create(saverId, draft);
    rulesCreated += 1;
    // Demo data only: the use case switches a rule on from today (it never acts on older
    // transactions); the demo's rules are moved back so the 90 days of history count.
    const stored = await ruleItems.get(saverId, created.id);
    if (stored) {
      const { version, ...rule } = stored;
      await ruleItems.replace(saverId, RuleSchema.parse({ ...rule, activeFrom: from }), version);
    }
  }

  await linkDemoBank(saverId);
  log(`linked the demo saver to the simulator's customer ${DEMO_CUSTOMER_ID}`);

  const { paid, outcomes } = await replayHistory(saverId, from, today);
  const savedMinor = (await goalUseCase.list(saverId)).items.reduce((sum, goal) => sum + goal.savedMinor, 0);
  if (Object.keys(outcomes).some((outcome) => outcome !== 'paid')) {
    log(`demo transfers: ${JSON.stringify(outcomes)}`);
  }
  return { linked: true, goalsCreated, rulesCreated, transfersPaid: paid, savedMinor };
}
