import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoLogin } from '#local/seed';
import { type LocalPorts, type LocalSystem, startLocalSystem } from '#local/system';
import { apiClient } from '#test/support/local-system';
import { freePort } from '#test/support/ports';

/**
 * `npm start`'s demo (demoBank): the demo saver opens to a linked bank, goals with money in them,
 * rules and paid transfers, and a restart on the same data adds nothing.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'sparegris-demo-'));
let ports: LocalPorts;
let system: LocalSystem | undefined;
let messages: string[] = [];
let firstStartSeconds = 0;

const start = async () => {
  messages = [];
  const started = performance.now();
  system = await startLocalSystem({
    ports,
    dataDir,
    demoBank: true,
    log: (message) => messages.push(message),
  });
  return (performance.now() - started) / 1000;
};

interface Listing {
  items: Record<string, unknown>[];
}

/** What the demo saver sees, counted, and the payments the simulated bank has made. */
async function snapshot() {
  if (!system) throw new Error('not started');
  const api = apiClient(system.url);
  const login = await api<{ accessToken: string }>('POST', '/api/auth/login', { body: demoLogin });
  expect(login.status).toBe(200);
  const token = login.body.accessToken;
  const get = async <T = Listing>(path: string) => {
    const response = await api<T>('GET', path, { token });
    expect(response.status).toBe(200);
    return response.body;
  };
  const payments = (await (
    await fetch(`http://127.0.0.1:${system.ports.simulator}/__admin/payments`)
  ).json()) as { payments: { payment_status: string }[] };
  return {
    bank: await get<{ status: string; accounts: unknown[]; sourceAccountId: string | null }>('/api/bank'),
    goals: (await get('/api/goals')).items,
    rules: (await get('/api/rules')).items,
    activity: (await get('/api/activity')).items,
    transfers: (await get('/api/transfers')).items,
    payments: payments.payments,
  };
}

beforeAll(async () => {
  ports = {
    web: await freePort(),
    simulator: await freePort(),
    dynamo: await freePort(),
    secrets: await freePort(),
    sqs: await freePort(),
  };
  firstStartSeconds = await start();
}, 120_000);
afterAll(async () => {
  await system?.close();
});

describe('the demo saver after start', () => {
  let first: Awaited<ReturnType<typeof snapshot>>;

  test('has a linked bank, two goals with money, rules and paid transfers', async () => {
    first = await snapshot();
    expect(first.bank).toMatchObject({ status: 'linked' });
    expect(first.bank.accounts).toHaveLength(2);
    expect(first.bank.sourceAccountId).not.toBeNull();
    expect(first.goals).toHaveLength(2);
    for (const goal of first.goals) expect(goal.savedMinor).toBeGreaterThan(0);
    expect(first.rules.length).toBeGreaterThanOrEqual(4);
    expect(first.activity.some((entry) => entry.status === 'saved')).toBe(true);
    const paid = first.transfers.filter((transfer) => transfer.status === 'paid');
    expect(paid.length).toBeGreaterThanOrEqual(1);
    expect(first.payments.length).toBe(paid.length);
    expect(first.payments.every((payment) => payment.payment_status === 'Paid')).toBe(true);
    expect(messages.some((message) => message.includes('linked the demo saver'))).toBe(true);
    // Reported for the "living dashboard within a minute" budget (the web build is not part of it).
    console.log(`local system with the demo seed started in ${firstStartSeconds.toFixed(1)} s`);
    expect(firstStartSeconds).toBeLessThan(45);
  });

  test('the first unattended sync is due at once and hands the saver out once', async () => {
    expect(await system?.runJob('dispatch-syncs')).toEqual({ dispatched: 1 });
    expect(await system?.runJob('dispatch-syncs')).toEqual({ dispatched: 0 });
  });

  test('a restart on the same data links nothing, creates nothing and pays nothing again', async () => {
    await system?.close();
    await start();
    expect(messages.some((message) => message.includes('demo saver'))).toBe(false);
    const second = await snapshot();
    expect(second.bank).toMatchObject({ status: 'linked', sourceAccountId: first.bank.sourceAccountId });
    expect(second.goals.map(({ id, savedMinor }) => ({ id, savedMinor }))).toEqual(
      first.goals.map(({ id, savedMinor }) => ({ id, savedMinor })),
    );
    expect(second.rules.map((rule) => rule.id).sort()).toEqual(first.rules.map((rule) => rule.id).sort());
    expect(second.transfers.map((transfer) => transfer.id)).toEqual(
      first.transfers.map((transfer) => transfer.id),
    );
    expect(second.payments).toHaveLength(first.payments.length);
    // The next sync slot (6 h on) survived the restart: no unattended read is spent on starting again.
    expect(await system?.runJob('dispatch-syncs')).toEqual({ dispatched: 0 });
  });
});
