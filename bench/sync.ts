/**
 * Unattended sync throughput under Nordea's per-app limits (issue: pacing and the PSD2 budget).
 *
 * Savers are seeded as after onboarding: a profile, a real consent from the simulator (authorize +
 * code exchange through the NordeaClient, paced like any other AIS call), the consent's tokens in the
 * secrets stand-in, the bank connection (scheduled for a sync at once), a goal, 5 rules (round-up,
 * guilty pleasure, payday, set & forget, spend less) and 30 new booked transactions on the spending
 * account (card purchases and a salary) within the last few days. Setup is not timed.
 *
 * The timed round is what AWS does every 15 minutes: dispatch-syncs (repeated until nothing more is
 * due, as later ticks would) hands the savers to the sync queue, and BENCH_WORKERS concurrent
 * sync-saver workers drain it. The simulator adds 100 ms to every bank call and refuses anything over
 * 20 AIS / 100 PIS calls a second (429). Then the transfer executor sends the planned transfers (PIS,
 * its own limit) and is reported separately.
 *
 * Pacing (BENCH_PACING):
 *   shared  one SlidingWindowPacer at the app's full limit for all workers (a shared bucket; default)
 *   split   every worker paces itself with its own pacer at floor(limit / workers), as N separately
 *           paced Lambda instances would with a per-instance share
 * Bank calls and 429s are counted on the wire (a wrapping fetch) as the simulator receives them.
 *
 * Sizes from the environment: BENCH_SAVERS (200), BENCH_WORKERS (24), BENCH_LATENCY_MS (100),
 * BENCH_PACER_WINDOW_MS (the pacer's default), BENCH_DYNAMO (process: dynalite in a child process;
 * inline: in this one). Prints one JSON line.
 *   npm run bench:sync
 *   BENCH_SAVERS=10000 npm run bench:sync    # the full round: ~1,000 s of timed syncing at 20/s, plus
 *                                            # ~1,100 s of (paced) consent setup before it
 */
import { randomUUID } from 'node:crypto';
import { automation } from '#app/automation-wiring';
import { CONSENT_DAYS, CONSENT_SCOPES } from '#app/bank-linking';
import { createSchedules } from '#app/schedules';
import type { SyncSummary } from '#app/sync';
import type { ExecuteOutcome } from '#app/transfers';
import { nordea, savers, secretVault } from '#app/wiring';
import { NordeaClient } from '#bank/client';
import { type CallPacer, SlidingWindowPacer } from '#bank/pacing';
import { type FetchFunction, saverPresent } from '#bank/transport';
import { config } from '#config/env';
import { addDays, localDateOf } from '#domain/calendar';
import { type Goal, GoalSchema } from '#domain/goals';
import { RuleSchema } from '#domain/rules';
import { defaultSaverSettings } from '#domain/settings';
import { ensureTable, localDynamoClient, startDynamo, startDynamoProcess } from '#local/dynamo';
import { startSecretsManager } from '#local/secrets-manager';
import { seedLocalSystem } from '#local/seed';
import { simulatorCustomerFetch } from '#local/simulator-consent';
import { applyLocalEnvironment } from '#local/system';
import { DEFAULT_APP, startSimulator } from '#simulator/server';
import { BankRepository } from '#store/bank-repository';
import { dynamoDocumentClient } from '#store/client';
import { SaverItems } from '#store/saver-items';

const SAVERS = Number(process.env.BENCH_SAVERS ?? 200);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 24);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const PACING = process.env.BENCH_PACING === 'split' ? 'split' : 'shared';
const DYNAMO = process.env.BENCH_DYNAMO === 'inline' ? 'inline' : 'process';
const WINDOW_MS = process.env.BENCH_PACER_WINDOW_MS ? Number(process.env.BENCH_PACER_WINDOW_MS) : undefined;
const LIMITS = { ais: 20, pis: 100 } as const;
const TRANSACTIONS_PER_SAVER = 30;
const SETUP_CONCURRENCY = 24;
const TIME_ZONE = 'Europe/Copenhagen';

const log = (message: string) => {
  if (process.env.BENCH_QUIET !== '1') process.stderr.write(`bench:sync ${message}\n`);
};

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index] as T, index);
      }
    }),
  );
}

/** A small deterministic generator, so every run seeds the same spending. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const MERCHANTS = [
  { name: 'Netto', low: 2500, high: 45000 },
  { name: 'REMA 1000', low: 3000, high: 40000 },
  { name: 'Espresso House', low: 3500, high: 7500 },
  { name: 'Wolt', low: 9000, high: 35000 },
  { name: '7-Eleven', low: 1500, high: 8000 },
  { name: 'DSB', low: 2400, high: 30000 },
];

const amountText = (minor: number) =>
  `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;

// --- wire counting ------------------------------------------------------------------------------

interface WireCounts {
  ais: number;
  pis: number;
  tooMany: { ais: number; pis: number };
  /** Send times of AIS calls (ms, performance clock), for the busiest second. */
  aisSentAt: number[];
}

const newCounts = (): WireCounts => ({ ais: 0, pis: 0, tooMany: { ais: 0, pis: 0 }, aisSentAt: [] });
let counts = newCounts();

const productOf = (url: string): 'ais' | 'pis' =>
  new URL(url).pathname.includes('/payments') ? 'pis' : 'ais';

/** Counts every call and every 429 as the simulator answers them. */
const countingFetch =
  (inner: FetchFunction): FetchFunction =>
  async (input, init) => {
    const product = productOf(String(input instanceof Request ? input.url : input));
    counts[product] += 1;
    if (product === 'ais') counts.aisSentAt.push(performance.now());
    const response = await inner(input, init);
    if (response.status === 429) counts.tooMany[product] += 1;
    return response;
  };

/** Most AIS calls sent within any one second. */
function busiestSecond(sentAt: readonly number[]): number {
  const sorted = [...sentAt].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const newPacer = (limits: { ais: number; pis: number }): CallPacer =>
  new SlidingWindowPacer(limits, WINDOW_MS === undefined ? {} : { windowMs: WINDOW_MS });

// --- the system ---------------------------------------------------------------------------------

// DynamoDB is not on a worker's CPU in AWS: by default dynalite runs in its own process
// (BENCH_DYNAMO=inline puts it in this one, where its CPU competes with the workers').
const dynamo = DYNAMO === 'inline' ? await startDynamo({ port: 0 }) : await startDynamoProcess();
const secrets = await startSecretsManager({ port: 0 });
const webPort = 3000;
const simulator = await startSimulator({
  port: 0,
  demoCustomerId: null,
  rateLimits: LIMITS,
  apps: [
    {
      ...DEFAULT_APP,
      redirectUris: [...DEFAULT_APP.redirectUris, `http://localhost:${webPort}/api/bank/callback`],
    },
  ],
});
applyLocalEnvironment(
  { web: webPort, simulator: simulator.port, dynamo: dynamo.port, secrets: secrets.port, sqs: 1 },
  'sparegris-bench',
);
const { TABLE_NAME, BANK_TOKENS_SECRET_PREFIX } = config();
const tableClient = localDynamoClient(dynamo.url);
await ensureTable(tableClient, TABLE_NAME);
tableClient.destroy();
await seedLocalSystem(() => undefined);

const admin = async <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> => {
  const response = await fetch(`${simulator.url}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator admin ${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
};

/** DynamoDB commands per name and the time spent in them (the store's share of a sync). */
let dynamoCalls: Record<string, { count: number; ms: number }> = {};
dynamoDocumentClient().middlewareStack.add(
  (next, context) => async (args) => {
    const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
    const started = performance.now();
    try {
      return await next(args);
    } finally {
      const slot = dynamoCalls[name] ?? { count: 0, ms: 0 };
      dynamoCalls[name] = slot;
      slot.count += 1;
      slot.ms += performance.now() - started;
    }
  },
  { step: 'initialize', name: 'benchDynamoCounter' },
);
const perSaver = (calls: typeof dynamoCalls) =>
  Object.fromEntries(
    Object.entries(calls)
      .sort(([, a], [, b]) => b.count - a.count)
      .map(([name, { count, ms }]) => [
        name,
        { perSaver: Number((count / SAVERS).toFixed(1)), avgMs: Number((ms / count).toFixed(1)) },
      ]),
  );

const baseClient = await nordea();
const appLimits = baseClient.config.callsPerSecond;

// --- setup (not timed) --------------------------------------------------------------------------

/**
 * The simulator makes a fresh customer with 120 days of history for every consent unless the
 * authorize request names one (`psu_id`, simulator-only): the shared helper adds it, re-digesting the body.
 */
const consentFetch = (psuId: string): FetchFunction => countingFetch(simulatorCustomerFetch(psuId));

const setupPacer = newPacer(appLimits);
const bank = new BankRepository(dynamoDocumentClient(), TABLE_NAME);
const goalItems = new SaverItems(dynamoDocumentClient(), TABLE_NAME, 'GOAL', GoalSchema);
const ruleItems = new SaverItems(dynamoDocumentClient(), TABLE_NAME, 'RULE', RuleSchema);
const present = saverPresent('198.51.100.7', 'Mozilla/5.0 (bench)');
const today = localDateOf(new Date(), TIME_ZONE);

async function seedSaver(index: number): Promise<void> {
  const next = random(index + 1);
  const saverId = randomUUID();
  const at = new Date().toISOString();
  await savers().createProfile({
    saverId,
    settings: {
      ...defaultSaverSettings(`saver-${index}@bench.example.dk`),
      balanceFloorMinor: 0,
      minimumTransferMinor: 2_000,
    },
    createdAt: at,
    updatedAt: at,
  });
  const customer = await admin<{ customer_id: string; accounts: { _id: string; account_type: string }[] }>(
    'POST',
    '/customers',
    { history_days: 0 },
  );
  const current = customer.accounts.find((account) => account.account_type === 'Current');
  const savings = customer.accounts.find((account) => account.account_type === 'Savings');
  if (!current || !savings) throw new Error('the simulator made no current and savings account');

  // A real consent: authorize and code exchange, paced under the app's limit like any other call.
  const client = new NordeaClient(baseClient.config, {
    fetch: consentFetch(customer.customer_id),
    pacer: setupPacer,
  });
  const state = randomUUID();
  const start = await client.startAuthorization(
    {
      state,
      scopes: [...CONSENT_SCOPES],
      durationMinutes: CONSENT_DAYS * 24 * 60,
      language: 'da',
    },
    { context: present },
  );
  if (!start.code) throw new Error('the simulator did not redirect straight back with a code');
  const tokens = await client.exchangeCode(start.code, { context: present });
  const tokenSecretId = `${BANK_TOKENS_SECRET_PREFIX}/${saverId}`;
  await secretVault().write(tokenSecretId, JSON.stringify(tokens));
  await bank.putConnection({
    saverId,
    status: 'linked',
    consentExpiresAt: new Date(Date.now() + CONSENT_DAYS * 86_400_000).toISOString(),
    tokenSecretId,
    linkedAt: at,
    sourceAccountId: current._id,
    savingsAccountId: savings._id,
  });

  const goal: Goal = {
    id: randomUUID(),
    name: 'Rome',
    emoji: null,
    targetMinor: 5_000_000,
    currency: 'DKK',
    deadline: null,
    savedMinor: 0,
    status: 'active',
    priority: 0,
    whenReached: 'stop-rules',
  };
  await goalItems.create(saverId, goal);
  const activeFrom = addDays(today, -7);
  const rules = [
    { type: 'round-up', roundToMinor: 1000, multiplier: 1 },
    {
      type: 'guilty-pleasure',
      match: { counterparty: 'Espresso House' },
      amount: { kind: 'fixed', amountMinor: 2000 },
    },
    { type: 'payday', thresholdMinor: 1_000_000, amount: { kind: 'percent', percent: 5 } },
    { type: 'set-and-forget', schedule: { every: 'day' }, amountMinor: 1_000 },
    { type: 'spend-less', match: { counterparty: 'Wolt' }, period: 'week', budgetMinor: 30_000 },
  ];
  for (const rule of rules) {
    await ruleItems.create(
      saverId,
      RuleSchema.parse({ ...rule, id: randomUUID(), activeFrom, goalId: goal.id }),
    );
  }

  // 30 new booked items in the last five days: card purchases and one salary.
  const accountPath = `/accounts/${encodeURIComponent(current._id)}/transactions`;
  await admin('POST', accountPath, {
    amount: '28500.00',
    currency: 'DKK',
    status: 'billed',
    counterparty_name: 'Arbejdsgiver A/S',
    type_description: 'Løn',
    booking_date: addDays(today, -4),
  });
  for (let item = 1; item < TRANSACTIONS_PER_SAVER; item += 1) {
    const merchant = MERCHANTS[Math.floor(next() * MERCHANTS.length)] ?? MERCHANTS[0];
    if (!merchant) throw new Error('no merchants');
    const minor = merchant.low + Math.floor(next() * (merchant.high - merchant.low + 1));
    await admin('POST', accountPath, {
      amount: amountText(-minor),
      currency: 'DKK',
      status: 'billed',
      counterparty_name: merchant.name,
      card_number: '4571 10** **** 1234',
      booking_date: addDays(today, -Math.floor(next() * 5)),
    });
  }
}

const setupStarted = performance.now();
let seeded = 0;
await pool(
  Array.from({ length: SAVERS }, (_, index) => index),
  SETUP_CONCURRENCY,
  async (index) => {
    await seedSaver(index);
    seeded += 1;
    if (seeded % 500 === 0) log(`seeded ${seeded}/${SAVERS}`);
  },
);
const setupSeconds = (performance.now() - setupStarted) / 1000;
const setupCounts = counts;
log(
  `seeded ${SAVERS} savers in ${setupSeconds.toFixed(1)} s (${setupCounts.ais} AIS calls, ${setupCounts.tooMany.ais} × 429)`,
);

// --- the timed round --------------------------------------------------------------------------------

if (LATENCY_MS > 0) await admin('POST', '/faults', { type: 'latency', latency_ms: LATENCY_MS });
counts = newCounts();
dynamoCalls = {};

const syncQueue: string[] = [];
const transferQueue: { saverId: string; transferId: string }[] = [];
const executeLater = async (saverId: string, transferId: string) => {
  transferQueue.push({ saverId, transferId });
};
const share = (limit: number) => (PACING === 'split' ? Math.max(1, Math.floor(limit / WORKERS)) : limit);
const sharedPacer = newPacer(appLimits);
/** One composition per worker, as each Lambda instance has its own; the pacer is shared or its own. */
const workers = Array.from({ length: WORKERS }, () => {
  const pacer =
    PACING === 'split' ? newPacer({ ais: share(appLimits.ais), pis: share(appLimits.pis) }) : sharedPacer;
  const client = new NordeaClient(baseClient.config, {
    fetch: countingFetch((input, init) => fetch(input, init)),
    pacer,
  });
  return automation({ client: () => client, executeLater });
});
const first = workers[0];
if (!first) throw new Error('BENCH_WORKERS must be at least 1');
const schedules = createSchedules({
  store: first.store,
  sync: first.sync,
  transfers: first.transfers,
  enqueueSyncs: async (saverIds) => {
    syncQueue.push(...saverIds);
  },
  now: () => new Date(),
});

const outcomes: Record<string, number> = {};
let entries = 0;
let transfersPlanned = 0;
let syncFailures = 0;
let firstFailure: string | undefined;

/** Workers take savers off the queue as soon as the first dispatch has sent some. */
async function syncWorker(app: ReturnType<typeof automation>, dispatchDone: () => boolean) {
  for (;;) {
    const saverId = syncQueue.shift();
    if (saverId === undefined) {
      if (dispatchDone()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    let summary: SyncSummary;
    try {
      summary = await app.sync.syncSaver(saverId);
    } catch (error) {
      syncFailures += 1;
      firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      continue;
    }
    outcomes[summary.outcome] = (outcomes[summary.outcome] ?? 0) + 1;
    entries += summary.entriesCreated;
    if (summary.transferPlanned) transfersPlanned += 1;
  }
}

const roundStarted = performance.now();
let dispatched = 0;
let dispatchRuns = 0;
let dispatching = true;
const dispatch = (async () => {
  try {
    for (;;) {
      const { dispatched: count } = await schedules.dispatchSyncs();
      dispatchRuns += 1;
      dispatched += count;
      if (count === 0) return;
    }
  } finally {
    dispatching = false;
  }
})();
await Promise.all([dispatch, ...workers.map((app) => syncWorker(app, () => !dispatching))]);
const roundSeconds = (performance.now() - roundStarted) / 1000;
const round = counts;
const roundDynamo = dynamoCalls;
dynamoCalls = {};
log(`round: ${dispatched} dispatched in ${dispatchRuns} runs, ${roundSeconds.toFixed(1)} s`);

// --- the executor (PIS) -------------------------------------------------------------------------

counts = newCounts();
const executeStarted = performance.now();
const executed: Record<string, number> = {};
let executeFailures = 0;
await pool([...transferQueue], WORKERS, async ({ saverId, transferId }, index) => {
  const app = workers[index % workers.length] ?? first;
  let outcome: ExecuteOutcome | 'error';
  try {
    outcome = await app.transfers.execute(saverId, transferId);
  } catch {
    outcome = 'error';
    executeFailures += 1;
  }
  executed[outcome] = (executed[outcome] ?? 0) + 1;
});
const executeSeconds = (performance.now() - executeStarted) / 1000;
const execution = counts;
const executeDynamo = dynamoCalls;

const { payments, create_requests_by_external_id: createRequests } = await admin<{
  payments: { payment_status: string }[];
  create_requests_by_external_id: Record<string, number>;
}>('GET', '/payments');

const aisRate = round.ais / roundSeconds;
console.log(
  JSON.stringify({
    bench: 'sync',
    savers: SAVERS,
    workers: WORKERS,
    pacing: PACING,
    dynamo: DYNAMO,
    pacerWindowMs: WINDOW_MS ?? 'default',
    bankLatencyMs: LATENCY_MS,
    limits: LIMITS,
    setupSeconds: Number(setupSeconds.toFixed(1)),
    setupRateLimited429: setupCounts.tooMany.ais + setupCounts.tooMany.pis,
    roundSeconds: Number(roundSeconds.toFixed(1)),
    dispatchRuns,
    outcomes,
    syncFailures,
    ...(firstFailure ? { firstFailure } : {}),
    aisCalls: round.ais,
    aisCallsPerSaver: Number((round.ais / SAVERS).toFixed(2)),
    aisRatePerSecond: Number(aisRate.toFixed(2)),
    fractionOfLimit: Number((aisRate / LIMITS.ais).toFixed(3)),
    busiestSecondAis: busiestSecond(round.aisSentAt),
    rateLimited429: round.tooMany.ais + round.tooMany.pis,
    roundSecondsAtLimit: Number((round.ais / LIMITS.ais).toFixed(1)),
    dynamoPerSaver: perSaver(roundDynamo),
    entries,
    transfers: transfersPlanned,
    executor: {
      seconds: Number(executeSeconds.toFixed(1)),
      pisCalls: execution.pis,
      pisRatePerSecond: Number((execution.pis / executeSeconds).toFixed(2)),
      fractionOfLimit: Number((execution.pis / executeSeconds / LIMITS.pis).toFixed(3)),
      rateLimited429: execution.tooMany.ais + execution.tooMany.pis,
      outcomes: executed,
      failures: executeFailures,
      dynamoPerSaver: perSaver(executeDynamo),
    },
    transfersPaid: executed.paid ?? 0,
    bankPayments: payments.length,
    paymentsCreatedMoreThanOnce: Object.values(createRequests).filter((count) => count > 1).length,
    goal: { fractionOfLimit: 0.9, rateLimited429: 0 },
  }),
);

await simulator.close();
await secrets.close();
await dynamo.close();
process.exit(0);
