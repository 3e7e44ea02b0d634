import { describe, expect, test } from 'vitest';
import { automation } from '#app/automation-wiring';
import { bankConnectionFor } from '#app/bank-session';
import { createSchedules } from '#app/schedules';
import { type SyncSummary, UNATTENDED_READS_PER_DAY } from '#app/sync';
import { secretVault } from '#app/wiring';
import { NordeaClient } from '#bank/client';
import { BankRateLimitedError } from '#bank/errors';
import { type FetchFunction, saverPresent, UNATTENDED } from '#bank/transport';
import { addDays, localDateOf } from '#domain/calendar';
import { linkedSaver, purchase, simulatorAdmin } from '#test/support/automation';
import { withTestSystem } from '#test/support/local-system';

const local = withTestSystem();

const TICK_MS = 15 * 60 * 1000;
const TICKS = 96;
const DAY_MS = 24 * 60 * 60 * 1000;

/** An account read as the simulator saw it: which endpoint, for which account, at simulated time. */
interface Read {
  path: string;
  at: number;
  unattended: boolean;
  status: number;
  refusal: string | null;
}

describe('the PSD2 unattended-read budget', () => {
  test('a simulated day on the 15-minute schedule reads each account at most 4 times unattended', async () => {
    const admin = simulatorAdmin(local);
    const savers = [await linkedSaver(local), await linkedSaver(local)];
    for (const saver of savers) await purchase(local, saver.sourceAccountId, '47.50');

    // Simulated time for the automation and the bank alike: wall clock plus the offset both move by.
    let offsetMs = 0;
    const now = () => new Date(Date.now() + offsetMs);
    const reads: Read[] = [];
    const watching: FetchFunction = async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      const response = await fetch(input, init);
      // Continuation pages are part of the read they continue; the bank does not count them.
      if (
        init?.method === 'GET' &&
        url.pathname.includes('/accounts') &&
        !url.searchParams.has('continuation_key')
      ) {
        const headers = new Headers(init.headers);
        const text = response.status === 429 ? await response.clone().text() : '';
        reads.push({
          path: url.pathname,
          at: now().getTime(),
          unattended: !headers.has('x-nordea-originating-user-ip'),
          status: response.status,
          refusal: text.includes('error.access.limit') ? 'error.access.limit' : null,
        });
      }
      return response;
    };
    let client: NordeaClient | undefined;
    const app = automation({
      now,
      client: (base) => {
        client ??= new NordeaClient(base.config, { fetch: watching });
        return client;
      },
      executeLater: async () => {},
    });
    const queued: string[] = [];
    const schedules = createSchedules({
      store: app.store,
      sync: app.sync,
      transfers: app.transfers,
      enqueueSyncs: async (saverIds) => {
        queued.push(...saverIds);
      },
      now,
    });

    const unattended: SyncSummary[] = [];
    let present: SyncSummary | undefined;
    for (let tick = 0; tick < TICKS; tick += 1) {
      if (tick > 0) {
        offsetMs += TICK_MS;
        await admin('POST', '/clock', { advance_ms: TICK_MS });
      }
      await schedules.dispatchSyncs();
      for (const saverId of queued.splice(0)) unattended.push(await app.sync.syncSaver(saverId));
      // At 20 h the first saver's four unattended reads of the day are spent; opening the app still reads.
      if (tick === 80) {
        present = await app.sync.syncSaver(savers[0]?.saverId ?? '', {
          kind: 'saver-present',
          context: saverPresent('198.51.100.7', 'Mozilla/5.0 (test)'),
        });
      }
    }

    expect(present?.outcome).toBe('synced');
    expect(unattended.filter((summary) => summary.outcome !== 'synced')).toEqual([]);
    expect(reads.filter((read) => read.status !== 200)).toEqual([]);
    expect(reads.filter((read) => read.refusal !== null)).toEqual([]);

    for (const saver of savers) {
      const ofSaver = unattended.filter((summary) => summary.saverId === saver.saverId);
      // 00:00, 06:00, 12:00 and 18:00: every slot of the day used, none beyond.
      expect(ofSaver).toHaveLength(UNATTENDED_READS_PER_DAY);
      const state = await app.store.syncState(saver.saverId);
      expect(state?.unattendedReads).toHaveLength(UNATTENDED_READS_PER_DAY);
    }

    // Per account (as the bank counts), never more than 4 unattended transaction reads in any 24 h;
    // the account list is one path for every consent, so it is counted over both savers.
    const unattendedReads = reads.filter((read) => read.unattended);
    const atMostPerDay = (list: Read[], limit: number, what: string) => {
      for (const read of list) {
        const inWindow = list.filter((other) => other.at >= read.at && other.at < read.at + DAY_MS);
        expect(
          inWindow.length,
          `${what} in the day from ${new Date(read.at).toISOString()}`,
        ).toBeLessThanOrEqual(limit);
      }
    };
    for (const saver of savers) {
      const transactions = unattendedReads.filter((read) =>
        read.path.includes(`/${saver.sourceAccountId}/transactions`),
      );
      expect(transactions).toHaveLength(UNATTENDED_READS_PER_DAY);
      atMostPerDay(
        transactions,
        UNATTENDED_READS_PER_DAY,
        `unattended transaction reads of ${saver.sourceAccountId}`,
      );
    }
    const lists = unattendedReads.filter((read) => read.path.endsWith('/accounts'));
    expect(lists).toHaveLength(UNATTENDED_READS_PER_DAY * savers.length);
    atMostPerDay(lists, UNATTENDED_READS_PER_DAY * savers.length, 'unattended account lists');
    // The saver-present sync read the list and the transactions with the saver's headers.
    expect(reads.filter((read) => !read.unattended)).toHaveLength(2);

    // The bank agrees the four were all of today's budget: a fifth unattended read is refused, while
    // the saver in the app is still served.
    const [first] = savers;
    const state = await app.store.syncState(first?.saverId ?? '');
    if (!first || !state || !client) throw new Error('the saver is not linked');
    const bank = client;
    const connection = bankConnectionFor(bank, secretVault(), state.tokenSecretId, now);
    const range = {
      fromDate: addDays(localDateOf(now(), 'Europe/Copenhagen'), -3),
      toDate: localDateOf(now(), 'Europe/Copenhagen'),
    };
    const fifth = connection.run(UNATTENDED, async (accessToken) => {
      for await (const _page of bank.transactionPages(accessToken, first.sourceAccountId, range, {
        context: UNATTENDED,
      })) {
        // the first page is the read
      }
    });
    await expect(fifth).rejects.toBeInstanceOf(BankRateLimitedError);
    expect(reads.at(-1)).toMatchObject({ unattended: true, status: 429, refusal: 'error.access.limit' });
    const context = saverPresent('198.51.100.7', 'Mozilla/5.0 (test)');
    await connection.run(context, async (accessToken) => {
      for await (const _page of bank.transactionPages(accessToken, first.sourceAccountId, range, {
        context,
      })) {
        // served: the saver is present
      }
    });
    expect(reads.at(-1)).toMatchObject({ unattended: false, status: 200 });
  }, 60_000);
});
