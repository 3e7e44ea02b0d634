import { describe, expect, test } from 'vitest';
import { type ApiClient, followBankLink, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

const newSaver = async (): Promise<string> => (await local.newSaver('goals')).token;

const rome = { name: 'Rome', emoji: '🇮🇹', targetMinor: 800_000, currency: 'DKK', deadline: '2027-06-01' };

describe('goals', () => {
  test('create, read, list, change and delete a goal, with its projection', async () => {
    const token = await newSaver();
    const created = await api('POST', '/api/goals', { token, body: rome });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...rome,
      id: expect.stringMatching(/^goal_/),
      savedMinor: 0,
      status: 'active',
      projection: {
        progressPercent: 0,
        remainingMinor: 800_000,
        onTrack: false,
        projectedCompletionDate: null,
      },
    });
    const id = created.body.id as string;

    expect((await api('GET', `/api/goals/${id}`, { token })).body).toEqual(created.body);
    const list = await api<{ items: unknown[]; nextCursor: string | null }>('GET', '/api/goals', { token });
    expect(list.body).toEqual({ items: [created.body], nextCursor: null });

    const changed = await api('PATCH', `/api/goals/${id}`, {
      token,
      body: { targetMinor: 900_000, deadline: null },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      targetMinor: 900_000,
      deadline: null,
      projection: { onTrack: null },
    });

    expect((await api('DELETE', `/api/goals/${id}`, { token })).status).toBe(204);
    expect((await api('GET', `/api/goals/${id}`, { token })).status).toBe(404);
  });

  test('refuses what a saver may not set', async () => {
    const token = await newSaver();
    const sneaky = await api('POST', '/api/goals', { token, body: { ...rome, savedMinor: 800_000 } });
    expect(sneaky.status).toBe(400);
    expect((await api('POST', '/api/goals', { token, body: { ...rome, currency: 'EUR' } })).status).toBe(422);
    expect((await api('POST', '/api/goals', { token, body: { ...rome, targetMinor: 12.5 } })).status).toBe(
      400,
    );
    expect((await api('POST', '/api/goals', { token, body: { ...rome, targetMinor: -1 } })).status).toBe(400);
    const { body } = await api('POST', '/api/goals', { token, body: rome });
    expect((await api('PATCH', `/api/goals/${body.id}`, { token, body: { status: 'reached' } })).status).toBe(
      400,
    );
  });

  test('one saver cannot see, change or delete another saver’s goals (BOLA)', async () => {
    const ann = await newSaver();
    const eve = await newSaver();
    const { body } = await api('POST', '/api/goals', { token: ann, body: rome });
    const id = body.id as string;
    expect((await api('GET', `/api/goals/${id}`, { token: eve })).status).toBe(404);
    expect((await api('PATCH', `/api/goals/${id}`, { token: eve, body: { name: 'Mine now' } })).status).toBe(
      404,
    );
    expect((await api('DELETE', `/api/goals/${id}`, { token: eve })).status).toBe(404);
    expect((await api<{ items: unknown[] }>('GET', '/api/goals', { token: eve })).body.items).toEqual([]);
    expect((await api('GET', `/api/goals/${id}`, { token: ann })).body.name).toBe('Rome');
  });

  test('lists page with an opaque cursor that cannot reach another saver', async () => {
    const token = await newSaver();
    for (let index = 0; index < 3; index += 1) {
      await api('POST', '/api/goals', { token, body: { ...rome, name: `Goal ${index}` } });
    }
    const { body } = await api<{ items: unknown[] }>('GET', '/api/goals', { token });
    expect(body.items).toHaveLength(3);
    const forged = Buffer.from(JSON.stringify({ PK: 'SAVER#someone-else', SK: 'GOAL#x' })).toString(
      'base64url',
    );
    const response = await api('GET', `/api/goals?cursor=${forged}`, { token });
    expect(response.status).toBe(400);
    expect((await api('GET', '/api/goals?cursor=%%%', { token })).status).toBe(400);
  });
});

describe('rules', () => {
  test('a round-up rule for a goal, paused and resumed, then deleted', async () => {
    const token = await newSaver();
    const goal = await api('POST', '/api/goals', { token, body: rome });
    const created = await api('POST', '/api/rules', {
      token,
      body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^rule_/),
      type: 'round-up',
      goalId: goal.body.id,
      roundToMinor: 1000,
      multiplier: 1,
      paused: false,
      caps: {},
      activeFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const id = created.body.id as string;
    const paused = await api('PATCH', `/api/rules/${id}`, { token, body: { paused: true, multiplier: 2 } });
    expect(paused.body).toMatchObject({ paused: true, multiplier: 2, activeFrom: created.body.activeFrom });
    expect((await api<{ items: unknown[] }>('GET', '/api/rules', { token })).body.items).toHaveLength(1);

    // The goal cannot go while a rule saves into it.
    expect((await api('DELETE', `/api/goals/${goal.body.id}`, { token })).status).toBe(409);
    expect((await api('DELETE', `/api/rules/${id}`, { token })).status).toBe(204);
    expect((await api('DELETE', `/api/goals/${goal.body.id}`, { token })).status).toBe(204);
  });

  test('rules are checked against the saver’s goals and the catalogue', async () => {
    const token = await newSaver();
    const goal = await api('POST', '/api/goals', { token, body: rome });
    const missingGoal = await api('POST', '/api/rules', {
      token,
      body: { type: 'round-up', goalId: 'goal_nope', roundToMinor: 1000, multiplier: 1 },
    });
    expect(missingGoal.status).toBe(422);
    expect(missingGoal.body.errors).toEqual([expect.objectContaining({ code: 'goal-missing' })]);
    const oddBase = await api('POST', '/api/rules', {
      token,
      body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 700, multiplier: 1 },
    });
    expect(oddBase.status).toBe(422);
    const unknownType = await api('POST', '/api/rules', {
      token,
      body: { type: 'lottery', goalId: goal.body.id },
    });
    expect(unknownType.status).toBe(400);
    const coffee = await api('POST', '/api/rules', {
      token,
      body: {
        type: 'guilty-pleasure',
        goalId: goal.body.id,
        match: { merchantText: 'coffee' },
        amount: { kind: 'fixed', amountMinor: 2000 },
        caps: { perDayMinor: 6000 },
      },
    });
    expect(coffee.status).toBe(201);
    const typeChange = await api('PATCH', `/api/rules/${coffee.body.id}`, {
      token,
      body: { type: 'payday' },
    });
    expect(typeChange.status).toBe(422);
    const badMerge = await api('PATCH', `/api/rules/${coffee.body.id}`, { token, body: { multiplier: 3 } });
    expect(badMerge.status).toBe(400);
    // null removes an optional field; a required one cannot be removed.
    const named = await api('PATCH', `/api/rules/${coffee.body.id}`, { token, body: { name: 'Coffee' } });
    expect(named.body.name).toBe('Coffee');
    const unnamed = await api('PATCH', `/api/rules/${coffee.body.id}`, { token, body: { name: null } });
    expect(unnamed.status).toBe(200);
    expect(unnamed.body).not.toHaveProperty('name');
    const noAmount = await api('PATCH', `/api/rules/${coffee.body.id}`, { token, body: { amount: null } });
    expect(noAmount.status).toBe(400);
  });

  test('new goals come after the saver’s others unless they say otherwise', async () => {
    const token = await newSaver();
    const first = await api('POST', '/api/goals', { token, body: rome });
    const second = await api('POST', '/api/goals', { token, body: { ...rome, name: 'Bike' } });
    const chosen = await api('POST', '/api/goals', { token, body: { ...rome, name: 'Car', priority: 7 } });
    const third = await api('POST', '/api/goals', { token, body: { ...rome, name: 'Sofa' } });
    expect([first, second, chosen, third].map((goal) => goal.body.priority)).toEqual([0, 1, 7, 8]);
  });

  test('another saver’s goal cannot be funded (BOLA through references)', async () => {
    const ann = await newSaver();
    const eve = await newSaver();
    const annGoal = await api('POST', '/api/goals', { token: ann, body: rome });
    const response = await api('POST', '/api/rules', {
      token: eve,
      body: { type: 'round-up', goalId: annGoal.body.id, roundToMinor: 1000, multiplier: 1 },
    });
    expect(response.status).toBe(422);
  });
});

describe('settings', () => {
  test('PATCH /api/me changes settings and refuses unknown or invalid fields', async () => {
    const token = await newSaver();
    const changed = await api('PATCH', '/api/me', {
      token,
      body: { balanceFloorMinor: 250_000, monthlyBudgetMinor: 150_000, minimumTransferMinor: 10_000 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ balanceFloorMinor: 250_000, monthlyBudgetMinor: 150_000 });
    expect((await api('GET', '/api/me', { token })).body).toMatchObject({ balanceFloorMinor: 250_000 });
    expect((await api('PATCH', '/api/me', { token, body: { email: 'other@example.dk' } })).status).toBe(400);
    expect((await api('PATCH', '/api/me', { token, body: { timeZone: 'Mars/Olympus' } })).status).toBe(400);
    expect((await api('PATCH', '/api/me', { token, body: { balanceFloorMinor: -5 } })).status).toBe(400);
  });

  test('the currency changes only while no goal, rule or bank depends on it', async () => {
    const token = await newSaver();
    // Nothing in DKK yet: the saver may switch and switch back.
    const euro = await api('PATCH', '/api/me', { token, body: { currency: 'EUR' } });
    expect(euro.status).toBe(200);
    expect(euro.body.currency).toBe('EUR');
    expect((await api('PATCH', '/api/me', { token, body: { currency: 'DKK' } })).status).toBe(200);

    const goal = await api('POST', '/api/goals', { token, body: rome });
    const refused = await api('PATCH', '/api/me', { token, body: { currency: 'EUR', paused: true } });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ pointer: '/currency', code: 'currency-in-use' }),
    ]);
    // Nothing of the refused patch was applied; the same currency and other fields still change.
    expect((await api('GET', '/api/me', { token })).body).toMatchObject({ currency: 'DKK', paused: false });
    const same = await api('PATCH', '/api/me', { token, body: { currency: 'DKK', paused: true } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ currency: 'DKK', paused: true });

    const rule = await api('POST', '/api/rules', {
      token,
      body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
    });
    expect((await api('PATCH', '/api/me', { token, body: { currency: 'SEK' } })).status).toBe(422);
    expect((await api('DELETE', `/api/rules/${rule.body.id}`, { token })).status).toBe(204);
    expect((await api('PATCH', '/api/me', { token, body: { currency: 'SEK' } })).status).toBe(422);
    expect((await api('DELETE', `/api/goals/${goal.body.id}`, { token })).status).toBe(204);
    expect((await api('PATCH', '/api/me', { token, body: { currency: 'SEK' } })).body.currency).toBe('SEK');
  });

  test('a linked bank pins the currency until it is unlinked', async () => {
    const token = await newSaver();
    const { callback } = await followBankLink(api, token);
    expect(callback.headers.get('location')).toContain('bank=linked');

    const refused = await api('PATCH', '/api/me', { token, body: { currency: 'EUR' } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/currency' })]);
    expect((await api('GET', '/api/me', { token })).body.currency).toBe('DKK');

    expect((await api('DELETE', '/api/bank', { token })).status).toBe(204);
    expect((await api('PATCH', '/api/me', { token, body: { currency: 'EUR' } })).status).toBe(200);
  });
});
