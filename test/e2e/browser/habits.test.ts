import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { addDays } from '#domain/calendar';
import { bankToday } from '#test/support/automation';
import { apiClient } from '#test/support/local-system';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import {
  type BrowserHarness,
  browserJourneysRun,
  fitsViewport,
  openPage,
  PASSWORD,
  PHONE,
  screenshot,
  signUp,
  startBrowserHarness,
  textOf,
  uniqueEmail,
} from './support.ts';

let harness: BrowserHarness;

/** Full-page pictures from the top: scrolled down, the sticky top bar would be drawn mid-page. */
async function topShot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await screenshot(page, name);
}

beforeAll(async () => {
  if (browserJourneysRun) harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness?.close();
});

const JOURNEY_TIMEOUT_MS = 180_000;

/** Around noon in Copenhagen `days` days ago, as a log's `occurredAt`. */
const daysAgoAtNoon = (days: number) => `${addDays(bankToday(), -days)}T11:00:00.000Z`;

describe.skipIf(!browserJourneysRun)('habits in the browser', () => {
  test(
    'a habit is added, its webhook copied and called, and “I did it” grows the streak',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.system.url });
      const nav = page.getByRole('navigation', { name: 'Main' });
      const email = uniqueEmail('habits');
      await signUp(page, email);

      await nav.getByRole('link', { name: 'Habits' }).click();
      await page.getByRole('heading', { level: 1, name: 'Habits' }).waitFor();
      await page.getByText('No habits yet.').waitFor();

      // Adding without a name is refused beside the field.
      const form = page.getByRole('region', { name: 'Add a habit' });
      await form.getByRole('button', { name: 'Add habit' }).click();
      await form.getByText('Give the habit a name.').waitFor();
      await form.getByLabel('Habit', { exact: true }).fill('Workout');
      await form.getByLabel('Emoji (optional)').fill('💪');
      await form.getByRole('button', { name: 'Add habit' }).click();

      // The personal webhook, shown once, with its secret and how to call it.
      const webhook = page.getByRole('region', { name: 'Log “Workout” from other apps' });
      await webhook.waitFor();
      const url = await webhook.getByRole('textbox', { name: 'Web address' }).inputValue();
      const secret = await webhook.getByRole('textbox', { name: 'Secret' }).inputValue();
      expect(url).toMatch(new RegExp(`^${harness.system.url}/api/hooks/[A-Za-z0-9_-]{16,64}$`));
      expect(secret.length).toBeGreaterThanOrEqual(32);
      await webhook.getByText('shown only this once').waitFor();
      await webhook.getByText('Apple Shortcuts', { exact: true }).click();
      await webhook.getByText('Add a header: key Authorization, value Bearer').waitFor();
      await webhook.getByText('From a terminal', { exact: true }).click();
      expect(await textOf(webhook.locator('pre'))).toBe(
        `curl -X POST "${url}" -H "Authorization: Bearer ${secret}"`,
      );

      // Copy with the Clipboard API…
      await webhook.getByRole('button', { name: 'Copy the web address' }).click();
      await webhook.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(url);
      // …and without it, by the selection fallback.
      await page.evaluate(`(() => {
        window.realClipboard = navigator.clipboard;
        Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
      })()`);
      await webhook.getByRole('button', { name: 'Copy the secret' }).click();
      await webhook
        .getByRole('status')
        .filter({ hasText: /Copied to the clipboard\.|Could not copy/ })
        .waitFor();
      const fallback = await textOf(webhook.getByRole('status'));
      if (fallback.includes('Copied'))
        expect(await page.evaluate('window.realClipboard.readText()')).toBe(secret);
      else expect(await page.evaluate('window.getSelection().toString()')).toBe(secret);

      await topShot(page, 'desktop-habits-webhook');
      await expectNoSeriousA11yViolations(page);

      // "I did it": the first log starts a streak.
      const habit = page.getByRole('listitem', { name: 'Workout' });
      await habit.getByText('No streak yet').waitFor();
      await habit.getByRole('button', { name: 'I did it: Workout' }).click();
      await habit.getByText('1 day in a row').waitFor();
      await habit.getByText('Logged today').waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: 'Workout is logged. Day 1 of a new streak!' })
        .waitFor({
          state: 'attached',
        });

      // Yesterday's workout, logged by another app through the webhook, makes it two days in a row.
      const hook = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ occurredAt: daysAgoAtNoon(1) }),
      });
      expect(hook.status).toBe(201);
      const wrong = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer not-the-secret' } });
      expect(wrong.status).toBe(401);
      await page.reload();
      await habit.getByText('2 days in a row').waitFor();
      // After a reload the habit still shows its web address, but the secret is never shown again.
      expect(await webhook.count()).toBe(0);
      await habit.getByText('Log from other apps', { exact: true }).click();
      expect(await habit.getByRole('textbox', { name: 'Web address' }).inputValue()).toBe(url);
      await habit.getByText('The secret was shown only once').waitFor();
      expect(await page.getByRole('textbox', { name: 'Secret' }).count()).toBe(0);
      expect(await page.getByText(secret).count()).toBe(0);
      await expectNoSeriousA11yViolations(page);

      // The day before, logged in the app's API, makes three; another tap today keeps three.
      const api = apiClient(harness.system.url);
      const login = await api<{ accessToken: string }>('POST', '/api/auth/login', {
        body: { email, password: PASSWORD },
      });
      const habits = await api<{ items: { id: string }[] }>('GET', '/api/habits', {
        token: login.body.accessToken,
      });
      const habitId = habits.body.items[0]?.id ?? '';
      const earlier = await api('POST', `/api/habits/${habitId}/log`, {
        token: login.body.accessToken,
        body: { occurredAt: daysAgoAtNoon(2) },
      });
      expect(earlier.status).toBe(201);
      await page.reload();
      await habit.getByText('3 days in a row').waitFor();
      await habit.getByRole('button', { name: 'I did it: Workout' }).click();
      await habit.getByText('Logged 2 times today').waitFor();
      await page.getByRole('status').filter({ hasText: 'Workout is logged. 3 days in a row!' }).waitFor({
        state: 'attached',
      });
      // Keyboard: the big button is an ordinary button, so Enter logs too.
      await habit.getByRole('button', { name: 'I did it: Workout' }).focus();
      await page.keyboard.press('Enter');
      await habit.getByText('Logged 3 times today').waitFor();
      await topShot(page, 'desktop-habits');
      await expectNoSeriousA11yViolations(page);

      // A habit rule is one click away.
      await page.getByRole('link', { name: 'Add a habit rule' }).click();
      await page.getByRole('heading', { level: 1, name: 'New rule: Habit' }).waitFor();
      expect(await page.getByRole('combobox', { name: 'Habit' }).inputValue()).toBe(habitId);
      await page.getByRole('link', { name: 'Create a goal' }).waitFor();

      await page.setViewportSize(PHONE);
      await nav.getByRole('link', { name: 'Habits' }).click();
      await habit.getByText('3 days in a row').waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await topShot(page, 'phone-habits');
      await expectNoSeriousA11yViolations(page);

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
