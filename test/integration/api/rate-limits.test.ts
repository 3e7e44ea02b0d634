import { describe, expect, test } from 'vitest';
import { BANK_SYNCS_PER_SAVER, type RateLimit, WEBHOOK_CALLS_PER_HOOK } from '#app/rate-limit';
import { linkedSaver } from '#test/support/automation';
import { withTestSystem } from '#test/support/local-system';

const local = withTestSystem();

interface CreatedHabit {
  webhook: { url: string; secret: string };
}

/**
 * Runs `attempt` inside one window of `limit` (fixed windows): if the clock crossed into the next
 * window meanwhile, the counts were split, so it tries once more in the fresh window.
 */
async function withinOneWindow(limit: RateLimit, attempt: () => Promise<void>): Promise<void> {
  const windowOf = () => Math.floor(Date.now() / (limit.windowSeconds * 1000));
  for (let tries = 0; tries < 2; tries += 1) {
    const started = windowOf();
    try {
      await attempt();
      return;
    } catch (error) {
      if (windowOf() === started) throw error;
    }
  }
}

async function newHook(): Promise<CreatedHabit['webhook']> {
  const { token } = await local.newSaver('hook');
  const created = await local.api<CreatedHabit>('POST', '/api/habits', {
    token,
    body: { name: 'Workout', emoji: '🏋️' },
  });
  expect(created.status).toBe(201);
  return created.body.webhook;
}

const callHook = (url: string, secret: string) =>
  fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });

describe('rate limits', () => {
  test('webhook calls are rate limited per hook', async () => {
    const other = await newHook();
    await withinOneWindow(WEBHOOK_CALLS_PER_HOOK, async () => {
      const hook = await newHook();
      // Guessing the secret: every wrong guess counts, and then even the right one is refused.
      for (let call = 0; call < WEBHOOK_CALLS_PER_HOOK.limit; call += 1) {
        expect((await callHook(hook.url, `guess-${call}`)).status).toBe(401);
      }
      const refused = await callHook(hook.url, hook.secret);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(
        WEBHOOK_CALLS_PER_HOOK.windowSeconds,
      );
    });
    // Another saver's hook is not affected.
    expect((await callHook(other.url, other.secret)).status).toBe(201);
  });

  test('saver-present bank syncs are rate limited per saver', async () => {
    const [busy, other] = await Promise.all([linkedSaver(local), linkedSaver(local)]);
    await withinOneWindow(BANK_SYNCS_PER_SAVER, async () => {
      let answered = 0;
      // Counts left over from a first try in the previous window do not matter: it is a new window.
      for (let call = 0; call < BANK_SYNCS_PER_SAVER.limit; call += 1) {
        const sync = await local.api('POST', '/api/bank/sync', { token: busy.token });
        if (sync.status === 429) break;
        expect(sync.status).toBe(200);
        answered += 1;
      }
      expect(answered).toBe(BANK_SYNCS_PER_SAVER.limit);
      const refused = await local.api('POST', '/api/bank/sync', { token: busy.token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    });
    expect((await local.api('POST', '/api/bank/sync', { token: other.token })).status).toBe(200);
  });
});
