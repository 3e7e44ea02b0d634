import { expect, test } from 'vitest';
import { type ApiClient, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

const newSaver = async (): Promise<string> => (await local.newSaver('habit')).token;

interface CreatedHabit {
  id: string;
  streakDays: number;
  loggedToday: number;
  webhook: { url: string; secret: string };
}

test('a habit is created with a personal webhook, logged in the app and through the webhook', async () => {
  const token = await newSaver();
  const created = await api<CreatedHabit>('POST', '/api/habits', {
    token,
    body: { name: 'Workout', emoji: '🏋️' },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'Workout', streakDays: 0, loggedToday: 0, lastLoggedAt: null });
  expect(created.body.webhook.url).toMatch(new RegExp(`^${local.system.url}/api/hooks/[\\w-]{22}$`));

  const logged = await api('POST', `/api/habits/${created.body.id}/log`, { token });
  expect(logged.status).toBe(201);
  expect(logged.body.habit).toMatchObject({ streakDays: 1, loggedToday: 1 });

  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  await api('POST', `/api/habits/${created.body.id}/log`, { token, body: { occurredAt: yesterday } });

  const viaHook = await fetch(created.body.webhook.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${created.body.webhook.secret}` },
  });
  expect(viaHook.status).toBe(201);

  const { body } = await api<{ items: { streakDays: number; loggedToday: number }[] }>('GET', '/api/habits', {
    token,
  });
  expect(body.items).toEqual([
    expect.objectContaining({ streakDays: 2, loggedToday: 2, webhookUrl: created.body.webhook.url }),
  ]);
  // The secret is shown once: the list does not carry it.
  expect(JSON.stringify(body)).not.toContain(created.body.webhook.secret);
});

test('the webhook refuses a wrong secret and an unknown hook alike', async () => {
  const token = await newSaver();
  const { body } = await api<CreatedHabit>('POST', '/api/habits', { token, body: { name: 'Run' } });
  const wrong = await fetch(body.webhook.url, {
    method: 'POST',
    headers: { authorization: 'Bearer not-the-secret' },
  });
  const missing = await fetch(body.webhook.url, { method: 'POST' });
  const unknown = await fetch(`${local.system.url}/api/hooks/AAAAAAAAAAAAAAAAAAAAAA`, {
    method: 'POST',
    headers: { authorization: `Bearer ${body.webhook.secret}` },
  });
  expect([wrong.status, missing.status, unknown.status]).toEqual([401, 401, 401]);
});

test('logs are bounded: no future, no old back-dating, at most ten a day', async () => {
  const token = await newSaver();
  const { body } = await api<CreatedHabit>('POST', '/api/habits', {
    token,
    body: { name: 'Coffee skipped' },
  });
  const future = new Date(Date.now() + 3_600_000).toISOString();
  expect(
    (await api('POST', `/api/habits/${body.id}/log`, { token, body: { occurredAt: future } })).status,
  ).toBe(422);
  const old = new Date(Date.now() - 30 * 86_400_000).toISOString();
  expect((await api('POST', `/api/habits/${body.id}/log`, { token, body: { occurredAt: old } })).status).toBe(
    422,
  );
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 11; attempt += 1) {
    statuses.push((await api('POST', `/api/habits/${body.id}/log`, { token })).status);
  }
  expect(statuses.filter((status) => status === 201)).toHaveLength(10);
  expect(statuses.at(-1)).toBe(429);
});

test('another saver cannot log or delete someone’s habit', async () => {
  const ann = await newSaver();
  const eve = await newSaver();
  const { body } = await api<CreatedHabit>('POST', '/api/habits', { token: ann, body: { name: 'Swim' } });
  expect((await api('POST', `/api/habits/${body.id}/log`, { token: eve })).status).toBe(404);
  expect((await api('DELETE', `/api/habits/${body.id}`, { token: eve })).status).toBe(404);
  expect((await api('DELETE', `/api/habits/${body.id}`, { token: ann })).status).toBe(204);
  // Its webhook is gone with it.
  const hook = await fetch(body.webhook.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${body.webhook.secret}` },
  });
  expect(hook.status).toBe(401);
});
