import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { automation } from '#app/automation-wiring';
import { isCardPurchase } from '#domain/transaction';
import { RateLimiter } from '#simulator/faults';
import { commandArbitraries, type Model, World } from '#test/support/automation-model';
import { withTestSystem } from '#test/support/local-system';

/**
 * Model-based test of the automation against the real store and the Nordea simulator
 * (security-and-money-safety §4, MM-06…MM-15 and FI-01…FI-10 interleaved at random).
 * `MODEL_RUNS` sets the number of interleavings (`npm run test:model` runs 10,000), `MODEL_SEED`
 * replays one seed, `MODEL_PATH` one shrunk counterexample.
 */

if (process.env.MODEL_AIS_PER_SECOND) {
  const take = RateLimiter.prototype.take;
  RateLimiter.prototype.take = function (this: RateLimiter, clientId, product, nowMs) {
    return product === 'ais' ? 1 : take.call(this, clientId, product, nowMs);
  };
}
const local = withTestSystem();

const RUNS = Number(process.env.MODEL_RUNS ?? 20);
const SEED = Number(process.env.MODEL_SEED ?? 20_260_417);
const PATH = process.env.MODEL_PATH;
const MAX_COMMANDS = Number(process.env.MODEL_MAX_COMMANDS ?? 20);
/** Per-interleaving budget: a few seconds normally; faults with timeouts make some slower. */
const PER_RUN_MS = 30_000;

const tenth = (times: number[]): string =>
  (times.reduce((sum, time) => sum + time, 0) / Math.max(1, times.length)).toFixed(0);

async function checkInvariants(world: World): Promise<void> {
  const saverId = world.saver.saverId;
  const transfers = await world.transfers();
  const entries = await world.entries();
  const why = `\n${world.trace.join('\n')}`;

  // 1. Every transfer reached a terminal state after the faults stopped and the reconciler ran.
  expect(
    transfers.filter((transfer) => !['paid', 'rejected', 'expired', 'cancelled'].includes(transfer.status)),
    `open transfers${why}`,
  ).toEqual([]);

  // 2. At most one payment (and one create request) per external_id at the bank; exactly one when paid.
  const { payments, createRequests } = await world.payments();
  const ids = new Set(transfers.map((transfer) => transfer.id));
  for (const transfer of transfers) {
    const made = payments.filter((payment) => payment.external_id === transfer.id);
    expect(made.length, `payments for ${transfer.id}${why}`).toBeLessThanOrEqual(1);
    expect(createRequests[transfer.id] ?? 0, `create requests for ${transfer.id}${why}`).toBeLessThanOrEqual(
      1,
    );
    if (transfer.status === 'paid') expect(made, `the payment of paid ${transfer.id}${why}`).toHaveLength(1);
  }
  // No payment for this saver's accounts that no transfer knows about.
  const sourceNumbers = new Set(
    (await world.accountNumbers())
      .filter((account) => account.id === world.saver.sourceAccountId)
      .flatMap((a) => a.numbers),
  );
  const orphans = payments.filter(
    (payment) =>
      sourceNumbers.has(
        (payment as { debtor?: { account?: { value?: string } } }).debtor?.account?.value ?? '',
      ) && !ids.has(payment.external_id ?? ''),
  );
  expect(
    orphans.map((payment) => payment.external_id),
    `payments no transfer knows${why}`,
  ).toEqual([]);

  // 3. Every eligible booked transaction produced exactly one savings entry; nothing else did.
  const { store } = automation();
  const stored = await store.transactionsSince(saverId, '1970-01-01');
  const storedIds = new Set(stored.map((transaction) => transaction.id));
  for (const purchase of world.purchases.filter((candidate) => candidate.status === 'booked')) {
    expect(storedIds.has(purchase.id), `booked purchase ${purchase.id} was never stored${why}`).toBe(true);
  }
  const byTrigger = new Map<string, number>();
  for (const entry of entries) {
    if (entry.trigger.kind !== 'transaction') continue;
    byTrigger.set(entry.trigger.ref, (byTrigger.get(entry.trigger.ref) ?? 0) + 1);
  }
  const rules = await world.rules();
  const activeFrom = rules[0]?.activeFrom ?? '9999-12-31';
  const eligible = stored.filter(
    (transaction) =>
      !transaction.removed &&
      isCardPurchase(transaction) &&
      transaction.bookingDate >= activeFrom &&
      -transaction.amountMinor % 1000 !== 0,
  );
  const eligibleIds = new Set(eligible.map((transaction) => transaction.id));
  for (const transaction of eligible) {
    expect(byTrigger.get(transaction.id) ?? 0, `entries from eligible ${transaction.id}${why}`).toBe(1);
  }
  for (const purchase of world.purchases) {
    if (purchase.status === 'booked' && purchase.amountMinor % 1000 !== 0) {
      expect(eligibleIds.has(purchase.id), `booked purchase ${purchase.id} counted as eligible${why}`).toBe(
        true,
      );
    } else if (purchase.status !== 'booked') {
      expect(byTrigger.get(purchase.id) ?? 0, `entries from pending ${purchase.id}${why}`).toBe(0);
    }
  }
  for (const ref of byTrigger.keys()) {
    expect(eligibleIds.has(ref), `an entry from ineligible transaction ${ref}${why}`).toBe(true);
  }
  expect(new Set(entries.map((entry) => entry.id)).size, `entry ids unique${why}`).toBe(entries.length);

  // 4. The money adds up: goal = Σ paid transfers = Σ saved entries; each paid transfer = Σ its entries.
  const paid = transfers.filter((transfer) => transfer.status === 'paid');
  const paidMinor = paid.reduce((sum, transfer) => sum + transfer.amountMinor, 0);
  expect(await world.goalSavedMinor(), `goal savedMinor vs paid transfers${why}`).toBe(paidMinor);
  const savedMinor = entries
    .filter((entry) => entry.status === 'saved')
    .reduce((sum, entry) => sum + entry.amountMinor, 0);
  expect(savedMinor, `saved entries vs paid transfers${why}`).toBe(paidMinor);
  const entryById = new Map(entries.map((entry) => [entry.id, entry]));
  for (const transfer of paid) {
    const mine = transfer.entryIds.map((id) => entryById.get(id));
    expect(
      mine.reduce((sum, entry) => sum + (entry?.amountMinor ?? 0), 0),
      `paid ${transfer.id} vs its entries${why}`,
    ).toBe(transfer.amountMinor);
    expect(
      mine
        .filter((entry) => entry?.status !== 'saved' || entry.transferId !== transfer.id)
        .map((entry) => entry?.id),
      `entries of paid ${transfer.id} not saved by it${why}`,
    ).toEqual([]);
  }
  // 5. No entry in two non-cancelled transfers; none left in flight.
  const holders = new Map<string, string[]>();
  for (const transfer of transfers.filter((candidate) => candidate.status !== 'cancelled')) {
    for (const id of transfer.entryIds)
      holders.set(id, [...(holders.get(id) ?? []), `${transfer.id}:${transfer.status}`]);
  }
  expect(
    [...holders].filter(([, held]) => held.length > 1),
    `entries in two non-cancelled transfers${why}`,
  ).toEqual([]);
  expect(
    entries.filter((entry) => entry.status === 'transferring').map((entry) => entry.id),
    `entries still transferring${why}`,
  ).toEqual([]);
}

describe('the automation under random interleavings of syncs, deliveries, crashes and bank faults', () => {
  test(
    `keeps the money invariants over ${RUNS} interleavings`,
    async () => {
      const timings: number[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.commands(commandArbitraries, { maxCommands: MAX_COMMANDS, size: '+1' }),
          async (commands) => {
            const started = performance.now();
            const world = await World.create(local);
            const linked = performance.now();
            await fc.asyncModelRun(() => ({ model: { reserved: 0 } satisfies Model, real: world }), commands);
            const ran = performance.now();
            const rounds = await world.settle();
            const settled = performance.now();
            await checkInvariants(world);
            if (process.env.MODEL_DEBUG) {
              console.info(
                `link ${(linked - started).toFixed(0)} ms, commands ${(ran - linked).toFixed(0)} ms, ` +
                  `settle ${(settled - ran).toFixed(0)} ms (${rounds} rounds), check ${(performance.now() - settled).toFixed(0)} ms` +
                  `\n${world.trace.join('\n')}`,
              );
            }
            timings.push(performance.now() - started);
          },
        ),
        {
          numRuns: RUNS,
          seed: SEED,
          ...(PATH ? { path: PATH } : {}),
          endOnFailure: process.env.MODEL_SHRINK !== '1',
          verbose: 1,
        },
      );
      const total = timings.reduce((sum, time) => sum + time, 0);
      const sorted = [...timings].sort((a, b) => a - b);
      console.info(
        `model: ${timings.length} interleavings, ${(total / 1000).toFixed(1)} s, ` +
          `mean ${(total / Math.max(1, timings.length)).toFixed(0)} ms, ` +
          `p95 ${(sorted[Math.floor(sorted.length * 0.95)] ?? 0).toFixed(0)} ms, ` +
          `first/last tenth ${tenth(timings.slice(0, Math.ceil(timings.length / 10)))}/` +
          `${tenth(timings.slice(-Math.ceil(timings.length / 10)))} ms (seed ${SEED})`,
      );
    },
    RUNS * PER_RUN_MS + 60_000,
  );
});
