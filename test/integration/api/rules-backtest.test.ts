import { describe, expect, test } from 'vitest';
import type { BacktestView } from '#app/rules';
import { addDays, isoWeekKey } from '#domain/calendar';
import { DynamoAutomationStore } from '#store/automation-store';
import { dynamoDocumentClient } from '#store/client';
import { bankToday, linkedSaver, purchase, syncRound } from '#test/support/automation';
import { type ApiClient, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);
const store = () => new DynamoAutomationStore(dynamoDocumentClient(), local.system.tableName);

const backtest = (token: string | undefined, body: unknown) =>
  api<BacktestView & { errors?: { pointer: string; code?: string }[] }>('POST', '/api/rules/backtest', {
    ...(token ? { token } : {}),
    body,
  });

const daysAgo = (days: number) => addDays(bankToday(), -days);

const bakery = (goalId: string) => ({
  type: 'guilty-pleasure',
  goalId,
  match: { merchantText: 'backtest bakery' },
  amount: { kind: 'fixed', amountMinor: 2_000 },
});

describe('POST /api/rules/backtest', () => {
  test('a saved round-up rule replayed over synced purchases saves exactly their round-ups', async () => {
    const saver = await linkedSaver(local);
    // The simulated customer comes with months of spending; the first sync stores it.
    await syncRound(local);
    const before = await backtest(saver.token, { ruleId: saver.ruleId });
    expect(before.status).toBe(200);

    // The oracle: 10 kr. round-ups of every stored, booked card purchase in the window.
    const fromDate = daysAgo(90);
    const toDate = daysAgo(1);
    const stored = (await store().transactionsSince(saver.saverId, fromDate)).filter(
      (transaction) =>
        !transaction.removed &&
        transaction.accountId === saver.sourceAccountId &&
        transaction.bookingDate <= toDate,
    );
    const roundUps = stored
      .filter((tx) => tx.status === 'booked' && tx.kind === 'card' && tx.amountMinor < 0)
      .map((tx) => (1_000 - (-tx.amountMinor % 1_000)) % 1_000)
      .filter((amount) => amount > 0);
    expect(roundUps.length).toBeGreaterThan(0);
    expect(before.body).toMatchObject({
      ruleId: saver.ruleId,
      currency: 'DKK',
      fromDate,
      toDate,
      days: 90,
      transactionCount: stored.filter((tx) => tx.status === 'booked').length,
      totalMinor: roundUps.reduce((sum, amount) => sum + amount, 0),
      entryCount: roundUps.length,
      floorApplied: true,
      floorHits: 0,
      capHits: 0,
      budgetHits: 0,
    });
    expect(before.body.weekly.reduce((sum, week) => sum + week.savedMinor, 0)).toBe(before.body.totalMinor);
    expect(before.body).not.toHaveProperty('entries');

    // Two purchases inside the window (47,50 → 2,50 kr.; 12,00 → 8,00 kr.), one today (outside it)
    // and one still reserved: the rule was switched on today, yet the replay counts the first two.
    await purchase(local, saver.sourceAccountId, '47.50', { date: daysAgo(3) });
    await purchase(local, saver.sourceAccountId, '12.00', {
      date: daysAgo(10),
      counterparty: 'Lagkagehuset',
    });
    await purchase(local, saver.sourceAccountId, '33.30', { date: bankToday() });
    await purchase(local, saver.sourceAccountId, '21.10', { date: daysAgo(2), status: 'reserved' });
    expect((await api('POST', '/api/bank/sync', { token: saver.token })).status).toBe(200);

    const after = await backtest(saver.token, { ruleId: saver.ruleId });
    expect(after.status).toBe(200);
    expect(after.body.totalMinor - before.body.totalMinor).toBe(1_050);
    expect(after.body.entryCount - before.body.entryCount).toBe(2);
    const weekly = (view: BacktestView, date: string) =>
      view.weekly.find((week) => week.week === isoWeekKey(date))?.savedMinor ?? Number.NaN;
    expect(weekly(after.body, daysAgo(3)) - weekly(before.body, daysAgo(3))).toBe(250);
    expect(weekly(after.body, daysAgo(10)) - weekly(before.body, daysAgo(10))).toBe(800);

    // A shorter window counts only what falls inside it.
    const week = await backtest(saver.token, { ruleId: saver.ruleId, days: 7 });
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({ fromDate: daysAgo(7), toDate, days: 7 });
    expect(week.body.totalMinor).toBeLessThan(after.body.totalMinor);
  });

  test('a draft guilty-pleasure rule is replayed without being saved', async () => {
    const saver = await linkedSaver(local);
    await purchase(local, saver.sourceAccountId, '38.00', {
      date: daysAgo(2),
      counterparty: 'Backtest Bakery',
    });
    await purchase(local, saver.sourceAccountId, '41.00', {
      date: daysAgo(5),
      counterparty: 'Backtest Bakery',
    });
    await purchase(local, saver.sourceAccountId, '29.00', {
      date: daysAgo(40),
      counterparty: 'Backtest Bakery',
    });
    await purchase(local, saver.sourceAccountId, '35.00', {
      date: daysAgo(3),
      counterparty: 'Backtest Bakery',
      status: 'reserved',
    });
    await syncRound(local);

    const all = await backtest(saver.token, { rule: bakery(saver.goalId) });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ ruleId: null, totalMinor: 6_000, entryCount: 3, days: 90 });
    expect(all.body.summary.replaceAll('\u00a0', ' ')).toContain('60,00 kr.');

    const month = await backtest(saver.token, { rule: bakery(saver.goalId), days: 30 });
    expect(month.body).toMatchObject({ totalMinor: 4_000, entryCount: 2, days: 30 });

    // Nothing was stored: the saver still has the one rule from onboarding.
    const rules = await api<{ items: unknown[] }>('GET', '/api/rules', { token: saver.token });
    expect(rules.body.items).toHaveLength(1);
  });

  test('the balance floor is replayed from the stored balance', async () => {
    const saver = await linkedSaver(local, { balanceFloorMinor: 100_000_000 });
    await syncRound(local);
    const { status, body } = await backtest(saver.token, { ruleId: saver.ruleId });
    expect(status).toBe(200);
    expect(body.floorApplied).toBe(true);
    expect(body.totalMinor).toBe(0);
    expect(body.transferCount).toBe(0);
    expect(body.floorHits).toBeGreaterThan(0);
    expect(body.summary).toContain('the balance floor stopped it');
  });

  test('a draft is checked against the saver’s goals like POST /api/rules (422)', async () => {
    const saver = await local.newSaver('backtest');
    const response = await backtest(saver.token, { rule: bakery('goal_nope') });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ pointer: '/goalId', code: 'goal-missing' }),
    ]);
    const oddBase = await backtest(saver.token, {
      rule: { type: 'round-up', goalId: 'goal_nope', roundToMinor: 700, multiplier: 1 },
    });
    expect(oddBase.status).toBe(422);
  });

  test('a saver without stored transactions gets zeros', async () => {
    const { token } = await local.newSaver('backtest');
    const goal = await api<{ id: string }>('POST', '/api/goals', {
      token,
      body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
    });
    const rule = await api<{ id: string }>('POST', '/api/rules', {
      token,
      body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
    });
    const { status, body } = await backtest(token, { ruleId: rule.body.id });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ruleId: rule.body.id,
      transactionCount: 0,
      totalMinor: 0,
      transferredMinor: 0,
      transferCount: 0,
      entryCount: 0,
      skippedCount: 0,
      capHits: 0,
      budgetHits: 0,
      floorHits: 0,
      floorApplied: false,
      days: 90,
    });
    expect(body.weekly.length).toBeGreaterThanOrEqual(13);
    expect(body.weekly.every((week) => week.savedMinor === 0)).toBe(true);
  });

  test('another saver’s or an unknown rule is a 404', async () => {
    const ann = await local.newSaver('backtest');
    const annGoal = await api<{ id: string }>('POST', '/api/goals', {
      token: ann.token,
      body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
    });
    const annRule = await api<{ id: string }>('POST', '/api/rules', {
      token: ann.token,
      body: bakery(annGoal.body.id),
    });
    expect(annRule.status).toBe(201);
    const eve = await local.newSaver('backtest');
    expect((await backtest(eve.token, { ruleId: annRule.body.id })).status).toBe(404);
    expect((await backtest(eve.token, { ruleId: 'rule_nope' })).status).toBe(404);
    // A draft cannot reach another saver's goal either.
    expect((await backtest(eve.token, { rule: bakery(annGoal.body.id) })).status).toBe(422);
    expect((await backtest(ann.token, { ruleId: annRule.body.id })).status).toBe(200);
  });

  test('the body is strict: exactly one of ruleId and rule, days 7–90, nothing else', async () => {
    const { token } = await local.newSaver('backtest');
    const goal = await api<{ id: string }>('POST', '/api/goals', {
      token,
      body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
    });
    const rule = await api<{ id: string }>('POST', '/api/rules', { token, body: bakery(goal.body.id) });
    const ruleId = rule.body.id;
    for (const body of [
      { ruleId, rule: bakery(goal.body.id) },
      {},
      { days: 30 },
      { ruleId, extra: true },
      { rule: { ...bakery(goal.body.id), id: 'rule_x' } },
      { rule: { ...bakery(goal.body.id), activeFrom: '2026-01-01' } },
      { ruleId, days: 6 },
      { ruleId, days: 91 },
      { ruleId, days: 30.5 },
      { ruleId, days: '30' },
      { ruleId: '../../x' },
      { rule: { type: 'lottery', goalId: goal.body.id } },
    ]) {
      expect((await backtest(token, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await backtest(token, { ruleId, days: 7 })).status).toBe(200);
    expect((await backtest(token, { ruleId, days: 90 })).status).toBe(200);
  });

  test('needs an access token', async () => {
    const response = await backtest(undefined, { ruleId: 'rule_x' });
    expect(response.status).toBe(401);
    expect((await api('POST', '/api/rules/backtest', { token: 'garbage', body: {} })).status).toBe(401);
  });
});
