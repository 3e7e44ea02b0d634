import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { type AutomationOverrides, automation } from '#app/automation-wiring';
import { LEASE_MS } from '#app/sync';
import { CLAIM_MS, STRANDED_PLANNED_MS } from '#app/transfers';
import { nordea, savers, tokens } from '#app/wiring';
import { NordeaClient } from '#bank/client';
import { SlidingWindowPacer } from '#bank/pacing';
import { saverPresent } from '#bank/transport';
import { defaultSaverSettings } from '#domain/settings';
import { isTerminalTransferStatus } from '#domain/transfers';
import type { AutomationStore, StoredEntry, StoredTransfer } from '#store/automation-records';
import { type LinkedSaver, type SimulatedPayment, simulatorAdmin } from './automation.ts';
import { followBankLink, type withTestSystem } from './local-system.ts';

/**
 * A model-based test of the automation (security-and-money-safety §4: MM-06…MM-15, FI-01…FI-10):
 * fast-check interleaves syncs (one at a time and overlapping), duplicated executor deliveries,
 * crashes at store boundaries, bank faults, pending→booked bookings and clock moves against the real
 * store (dynalite) and the real Nordea simulator; afterwards the faults stop, the reconciler runs,
 * and the money invariants must hold.
 */

type TestSystem = ReturnType<typeof withTestSystem>;
type Automation = ReturnType<typeof automation>;

const PRESENT = { kind: 'saver-present', context: saverPresent('203.0.113.7', 'model-test') } as const;
const UNATTENDED_MODE = { kind: 'unattended' } as const;

/** Store methods a crash can hit, before or after the write lands. */
export const CRASH_METHODS = [
  'upsertTransactions',
  'saveSyncProgress',
  'putEntryIfAbsent',
  'createTransfer',
  'updateEntry',
  'transitionTransfer',
  'creditGoal',
  'recordUnattendedReads',
  'markTransactionsRemoved',
  'acquireLease',
  'releaseLease',
  'forgetOpenTransfer',
] as const satisfies readonly (keyof AutomationStore)[];
export type CrashMethod = (typeof CRASH_METHODS)[number];

export interface CrashPlan {
  method: CrashMethod;
  when: 'before' | 'after';
  /** How many matching calls go through before the crash. */
  skip: number;
}

export type FaultKind = '429' | '5xx' | 'timeout' | 'commit-then-drop' | 'commit-then-status';
export type FaultTarget = 'ais' | 'pis-create' | 'pis-any' | 'token';

/** Thrown by a crashed "process": every store and bank call after the crash point fails like this. */
export class ModelCrash extends Error {
  override readonly name = 'ModelCrash';
}

/** One process (a Lambda container): its wiring dies for good at its crash point. */
interface Instance {
  app: Automation;
  dead: boolean;
  crash: CrashPlan | undefined;
}

interface Purchase {
  id: string;
  status: 'reserved' | 'booked' | 'replaced';
  amountMinor: number;
}

const AIS_PER_SECOND = Number(process.env.MODEL_AIS_PER_SECOND ?? 16);
let fastClient: Promise<NordeaClient> | undefined;

/**
 * A saver as `linkedSaver` makes one (Nordea linked, a goal, a round-up rule to the next 10 kr, no
 * floor, 1 kr minimum transfer), but created straight in the store with an issued access token: the
 * sign-up's scrypt costs about 2 s, most of an interleaving, and sign-up is not what this tests.
 */
async function linkFixtureSaver(local: TestSystem): Promise<LinkedSaver> {
  const saverId = randomUUID();
  const email = `model-${saverId}@example.dk`;
  const createdAt = new Date().toISOString();
  await savers().createProfile({
    saverId,
    settings: defaultSaverSettings(email),
    createdAt,
    updatedAt: createdAt,
  });
  const { accessToken: token } = await (await tokens()).issue(saverId);
  const api = local.api;
  const { callback } = await followBankLink(api, token);
  if (!callback.headers.get('location')?.includes('bank=linked')) throw new Error('linking failed');
  const bank = await api<{ sourceAccountId: string; savingsAccountId: string }>('GET', '/api/bank', {
    token,
  });
  const patched = await api('PATCH', '/api/me', {
    token,
    body: { balanceFloorMinor: 0, minimumTransferMinor: 100 },
  });
  if (patched.status !== 200) throw new Error(`settings: ${patched.status}`);
  const goal = await api<{ id: string }>('POST', '/api/goals', {
    token,
    body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
  });
  const rule = await api<{ id: string }>('POST', '/api/rules', {
    token,
    body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
  });
  if (rule.status !== 201) throw new Error(`rule: ${rule.status}`);
  return {
    token,
    saverId,
    sourceAccountId: bank.body.sourceAccountId,
    savingsAccountId: bank.body.savingsAccountId,
    goalId: goal.body.id,
    ruleId: rule.body.id,
  };
}

/**
 * The app's Nordea client with the waits taken out: a short request timeout (the simulator's
 * `timeout` fault never answers), retry sleeps of at most a few ms and a pacer a little under the
 * simulator's AIS limit (the linking calls go through the app's own client and pacer).
 */
function modelClient(): Promise<NordeaClient> {
  fastClient ??= (async () => {
    const base = await nordea();
    return new NordeaClient(
      { ...base.config, timeoutMs: 500 },
      {
        sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, Math.min(milliseconds, 5))),
        pacer: new SlidingWindowPacer({ ais: AIS_PER_SECOND, pis: 80 }),
      },
    );
  })();
  return fastClient;
}

function crashingStore(store: AutomationStore, instance: Pick<Instance, 'dead' | 'crash'>): AutomationStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (instance.dead) throw new ModelCrash(`store.${String(property)} after the crash`);
        const plan = instance.crash;
        const hit = plan !== undefined && plan.method === property && plan.skip-- <= 0;
        if (hit) instance.crash = undefined;
        if (hit && plan.when === 'before') {
          instance.dead = true;
          throw new ModelCrash(`crash before store.${String(property)}`);
        }
        const result = await value.apply(target, args);
        if (hit) {
          instance.dead = true;
          throw new ModelCrash(`crash after store.${String(property)}`);
        }
        return result;
      };
    },
  });
}

function crashingClient(client: NordeaClient, instance: Pick<Instance, 'dead'>): NordeaClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (instance.dead) throw new ModelCrash(`bank.${String(property)} after the crash`);
        return value.apply(target, args);
      };
    },
  });
}

/** What a command did, for the failure report. */
export type Trace = string[];

/** The real side of the model: one fresh linked saver on the shared local system. */
export class World {
  readonly local: TestSystem;
  readonly saver: LinkedSaver;
  readonly admin: ReturnType<typeof simulatorAdmin>;
  readonly purchases: Purchase[] = [];
  /** Messages handed to the transfer executor (`executeLater`), not yet delivered. */
  queue: { saverId: string; transferId: string }[] = [];
  readonly trace: Trace = [];
  private offsetMs: number;
  private instance: Instance;
  private armed: CrashPlan | undefined;

  private readonly client: NordeaClient;

  private constructor(local: TestSystem, saver: LinkedSaver, offsetMs: number, client: NordeaClient) {
    this.local = local;
    this.client = client;
    this.saver = saver;
    this.admin = simulatorAdmin(local);
    this.offsetMs = offsetMs;
    this.instance = this.spawn();
  }

  static async create(local: TestSystem): Promise<World> {
    const admin = simulatorAdmin(local);
    // Each run starts at the wall clock, so the consent and tokens the app computes from real time
    // agree with the simulator's; within a run time only moves forward.
    await admin('DELETE', '/faults');
    const clock = await admin<{ offset_ms: number }>('POST', '/clock', { set: new Date().toISOString() });
    const saver = await linkFixtureSaver(local);
    return new World(local, saver, clock.offset_ms, await modelClient());
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  private spawn(): Instance {
    const instance: Instance = { dead: false, crash: this.armed } as Instance;
    this.armed = undefined;
    const overrides: AutomationOverrides = {
      store: (store) => crashingStore(store, instance),
      client: () => crashingClient(this.client, instance),
      now: () => this.now(),
      sleep: async () => {},
      executeLater: async (saverId, transferId) => {
        if (instance.dead) throw new ModelCrash('executeLater after the crash');
        this.queue.push({ saverId, transferId });
      },
    };
    instance.app = automation(overrides);
    return instance;
  }

  /** The live process, or a fresh one when the last crashed (a new Lambda container). */
  private get app(): Automation {
    if (this.instance.dead) this.instance = this.spawn();
    return this.instance.app;
  }

  get crashed(): boolean {
    return this.instance.dead;
  }

  // --- commands ----------------------------------------------------------------------------------------

  async addPurchase(amountMinor: number, reserved: boolean): Promise<void> {
    const amount = (amountMinor / 100).toFixed(2);
    const created = await this.admin<{ transaction_id: string }>(
      'POST',
      `/accounts/${encodeURIComponent(this.saver.sourceAccountId)}/transactions`,
      {
        amount: `-${amount}`,
        currency: 'DKK',
        status: reserved ? 'reserved' : 'billed',
        counterparty_name: 'Netto',
        card_number: '4571 10** **** 1234',
      },
    );
    this.purchases.push({
      id: created.transaction_id,
      status: reserved ? 'reserved' : 'booked',
      amountMinor,
    });
  }

  async bookPending(index: number, newAmountMinor: number | null): Promise<void> {
    const reserved = this.purchases.filter((purchase) => purchase.status === 'reserved');
    const chosen = reserved[index % Math.max(1, reserved.length)];
    if (!chosen) return;
    const booked = await this.admin<{ transaction_id: string }>(
      'POST',
      `/transactions/${encodeURIComponent(chosen.id)}/book`,
      newAmountMinor === null ? {} : { amount: `-${(newAmountMinor / 100).toFixed(2)}` },
    );
    chosen.status = 'replaced';
    this.purchases.push({
      id: booked.transaction_id,
      status: 'booked',
      amountMinor: newAmountMinor ?? chosen.amountMinor,
    });
  }

  private async attempt<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    const took = () => (process.env.MODEL_DEBUG ? ` (${(performance.now() - started).toFixed(0)} ms)` : '');
    try {
      const result = await work();
      this.trace.push(`${label} → ${JSON.stringify(result)}${took()}`);
      return result;
    } catch (error) {
      this.trace.push(
        `${label} ✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
      return undefined;
    }
  }

  async sync(mode: 'present' | 'unattended'): Promise<void> {
    const app = this.app;
    await this.attempt(`sync(${mode})`, async () => {
      const summary = await app.sync.syncSaver(
        this.saver.saverId,
        mode === 'present' ? PRESENT : UNATTENDED_MODE,
      );
      return summary.outcome;
    });
  }

  async concurrentSyncs(modes: readonly ('present' | 'unattended')[]): Promise<void> {
    const app = this.app;
    await Promise.all(
      modes.map((mode, index) =>
        this.attempt(`sync#${index}(${mode})`, async () => {
          const summary = await app.sync.syncSaver(
            this.saver.saverId,
            mode === 'present' ? PRESENT : UNATTENDED_MODE,
          );
          return summary.outcome;
        }),
      ),
    );
  }

  /** Delivers the queued executor messages: once, twice in a row, or twice at the same time. */
  async deliver(duplicate: 'once' | 'sequential' | 'concurrent'): Promise<void> {
    const messages = this.queue;
    this.queue = [];
    for (const { saverId, transferId } of messages) {
      const run = (copy: number) =>
        this.attempt(`execute(${transferId.slice(0, 10)})#${copy}`, () =>
          this.app.transfers.execute(saverId, transferId),
        );
      if (duplicate === 'once') await run(0);
      else if (duplicate === 'sequential') {
        await run(0);
        await run(1);
      } else await Promise.all([run(0), run(1)]);
    }
  }

  /** The reconciler job, restricted to this saver: every open-transfer marker it can see. */
  async reconcile(): Promise<void> {
    const app = this.app;
    const mine: string[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = await app.store.allOpenTransfers(cursor);
        for (const item of page.items) if (item.saverId === this.saver.saverId) mine.push(item.transferId);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } catch (error) {
      this.trace.push(`reconcile ✗ ${String(error)}`);
      return;
    }
    for (const transferId of mine) {
      await this.attempt(`reconcile(${transferId.slice(0, 10)})`, () =>
        app.transfers.reconcile(this.saver.saverId, transferId),
      );
    }
  }

  async injectFault(kind: FaultKind, target: FaultTarget, times: number): Promise<void> {
    const path =
      target === 'ais'
        ? '/accounts'
        : target === 'token'
          ? '/authorize/token'
          : target === 'pis-create'
            ? '/payments/domestic'
            : '/payments';
    const fault: Record<string, unknown> = { path, times };
    if (kind === '429') Object.assign(fault, { type: '429', retry_after_seconds: 1 });
    else if (kind === '5xx') Object.assign(fault, { type: '5xx', status: 503 });
    else if (kind === 'timeout') Object.assign(fault, { type: 'timeout' });
    else Object.assign(fault, { type: kind, ...(target === 'pis-create' ? { method: 'POST' } : {}) });
    if (kind === '429' || kind === '5xx' || kind === 'timeout') {
      if (target === 'pis-create') fault.method = 'POST';
    }
    await this.admin('POST', '/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.admin('DELETE', '/faults');
  }

  /** Arms a crash in the live process (or the next one). */
  armCrash(plan: CrashPlan): void {
    if (this.instance.dead) this.armed = { ...plan };
    else this.instance.crash = { ...plan };
  }

  disarm(): void {
    this.armed = undefined;
    this.instance.crash = undefined;
  }

  async advanceClock(minutes: number): Promise<void> {
    const clock = await this.admin<{ offset_ms: number }>('POST', '/clock', { advance_minutes: minutes });
    this.offsetMs = clock.offset_ms;
  }

  // --- after the faults ----------------------------------------------------------------------------------

  async transfers(): Promise<StoredTransfer[]> {
    const { store } = automation();
    const all: StoredTransfer[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listTransfers(this.saver.saverId, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  async entries(): Promise<StoredEntry[]> {
    return automation().store.entriesSince(this.saver.saverId, '1970-01-01');
  }

  /**
   * Faults off, crashes off, a healthy process; then rounds of (time passes beyond every lease, claim
   * and stranding limit) sync → deliver → reconcile → deliver until nothing changes any more.
   */
  async settle(maxRounds = 8): Promise<number> {
    this.trace.push('--- settle');
    await this.clearFaults();
    this.disarm();
    if (this.instance.dead) this.instance = this.spawn();
    const step = Math.ceil(Math.max(LEASE_MS, CLAIM_MS, STRANDED_PLANNED_MS) / 60_000) + 1;
    let previous = '';
    for (let round = 1; round <= maxRounds; round += 1) {
      await this.advanceClock(step);
      await this.sync('present');
      await this.deliver('once');
      await this.reconcile();
      await this.deliver('once');
      await this.reconcile();
      const transfers = await this.transfers();
      const entries = await this.entries();
      const snapshot = JSON.stringify([
        transfers.map((transfer) => [transfer.id, transfer.status]).sort(),
        entries.map((entry) => [entry.id, entry.status, entry.transferId]).sort(),
        this.queue.length,
      ]);
      if (
        snapshot === previous &&
        this.queue.length === 0 &&
        transfers.every((transfer) => isTerminalTransferStatus(transfer.status))
      ) {
        return round;
      }
      previous = snapshot;
    }
    return maxRounds;
  }

  /** The numbers of this saver's accounts at the simulator. */
  async accountNumbers(): Promise<{ id: string; numbers: string[] }[]> {
    const { accounts } = await this.admin<{
      accounts: { _id: string; account_numbers: { value: string }[] }[];
    }>('GET', '/accounts');
    return accounts
      .filter((account) => [this.saver.sourceAccountId, this.saver.savingsAccountId].includes(account._id))
      .map((account) => ({ id: account._id, numbers: account.account_numbers.map(({ value }) => value) }));
  }

  async rules(): Promise<{ id: string; activeFrom: string }[]> {
    const rules = await this.local.api<{ items?: { id: string; activeFrom: string }[] }>(
      'GET',
      '/api/rules',
      {
        token: this.saver.token,
      },
    );
    return rules.body.items ?? [];
  }

  async goalSavedMinor(): Promise<number> {
    const goal = await this.local.api<{ savedMinor: number }>('GET', `/api/goals/${this.saver.goalId}`, {
      token: this.saver.token,
    });
    return goal.body.savedMinor;
  }

  async payments(): Promise<{ payments: SimulatedPayment[]; createRequests: Record<string, number> }> {
    const answer = await this.admin<{
      payments: (SimulatedPayment & { debtor?: { account?: { value?: string } } })[];
      create_requests_by_external_id: Record<string, number>;
    }>('GET', '/payments');
    return { payments: answer.payments, createRequests: answer.create_requests_by_external_id };
  }
}

// --- the command model -------------------------------------------------------------------------------

/** What the model needs to know to generate sensible next steps. */
export interface Model {
  reserved: number;
}

type Command = fc.AsyncCommand<Model, World>;

const command = (
  label: string,
  run: (world: World) => Promise<void>,
  check: (model: Model) => boolean = () => true,
  update: (model: Model) => void = () => {},
): Command => ({
  check,
  async run(model, world) {
    world.trace.push(`# ${label}`);
    await run(world);
    update(model);
  },
  toString: () => label,
});

/** Round-ups between 0.10 and 9.90 kr on purchases up to 300 kr. */
const purchaseMinor = fc
  .tuple(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 10, max: 990 }))
  .map(([tens, rest]) => tens * 1000 + rest);

const addPurchase = fc.tuple(purchaseMinor, fc.boolean()).map(([amountMinor, reserved]) =>
  command(
    `AddPurchase(${amountMinor}, ${reserved ? 'reserved' : 'booked'})`,
    (world) => world.addPurchase(amountMinor, reserved),
    () => true,
    (model) => {
      if (reserved) model.reserved += 1;
    },
  ),
);

const bookPending = fc.tuple(fc.nat(5), fc.option(purchaseMinor, { freq: 2 })).map(([index, amount]) =>
  command(
    `BookPending(${index}, ${amount ?? 'same'})`,
    (world) => world.bookPending(index, amount),
    (model) => model.reserved > 0,
    (model) => {
      model.reserved -= 1;
    },
  ),
);

const syncOne = fc
  .constantFrom<'present' | 'unattended'>('present', 'present', 'present', 'unattended')
  .map((mode) => command(`Sync(${mode})`, (world) => world.sync(mode)));

const concurrentSyncs = fc
  .tuple(
    fc.constantFrom<'present' | 'unattended'>('present', 'unattended'),
    fc.constantFrom<'present' | 'unattended'>('present', 'unattended'),
  )
  .map((modes) => command(`ConcurrentSyncs(${modes.join(', ')})`, (world) => world.concurrentSyncs(modes)));

const deliverExecutes = fc
  .constantFrom<'once' | 'sequential' | 'concurrent'>('once', 'sequential', 'concurrent')
  .map((duplicate) => command(`DeliverExecutes(${duplicate})`, (world) => world.deliver(duplicate)));

const reconcile = fc.constant(command('Reconcile', (world) => world.reconcile()));

const injectFault = fc
  .tuple(
    fc.constantFrom<FaultKind>('429', '5xx', 'timeout', 'commit-then-drop', 'commit-then-status'),
    fc.constantFrom<FaultTarget>('ais', 'pis-create', 'pis-any', 'token'),
    // Reads are retried up to 4 times by the transport, so a read fault needs more to show.
    fc.integer({ min: 1, max: 5 }),
  )
  // A token refresh the bank commits but whose answer is lost spends the single-use refresh token: the
  // consent is gone by design (FI-12, needs-consent) and nothing can be reconciled without it.
  .filter(([kind, target]) => !(target === 'token' && kind.startsWith('commit-then')))
  .map(([kind, target, times]) =>
    command(`InjectFault(${kind}, ${target}, ×${times})`, (world) => world.injectFault(kind, target, times)),
  );

const clearFaults = fc.constant(command('ClearFaults', (world) => world.clearFaults()));

const crashAt = fc
  .record({
    method: fc.constantFrom(...CRASH_METHODS),
    when: fc.constantFrom<'before' | 'after'>('before', 'after'),
    skip: fc.constantFrom(0, 0, 0, 1, 2),
  })
  .map((plan) =>
    command(`CrashAt(${plan.when} ${plan.method}, skip ${plan.skip})`, async (world) => world.armCrash(plan)),
  );

const advanceClock = fc
  .constantFrom(1, 3, 11, 61, 6 * 60, 25 * 60)
  .map((minutes) => command(`AdvanceClock(${minutes} min)`, (world) => world.advanceClock(minutes)));

/** The commands, weighted by repetition: purchases, syncs and deliveries make the states worth faulting. */
export const commandArbitraries: fc.Arbitrary<Command>[] = [
  addPurchase,
  addPurchase,
  addPurchase,
  bookPending,
  syncOne,
  syncOne,
  syncOne,
  concurrentSyncs,
  deliverExecutes,
  deliverExecutes,
  deliverExecutes,
  reconcile,
  reconcile,
  injectFault,
  injectFault,
  clearFaults,
  crashAt,
  crashAt,
  advanceClock,
];
