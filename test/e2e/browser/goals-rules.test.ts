import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { addDays } from '#domain/calendar';
import { bankToday, purchase } from '#test/support/automation';
import { apiClient } from '#test/support/local-system';
import { formatAmount } from '../../../web/src/format.ts';
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

/** Long journeys on a shared two-core machine: generous, so only real failures fail. */
const JOURNEY_TIMEOUT_MS = 240_000;
const SMALL_PHONE = { width: 360, height: 760 } as const;

/** The test helpers for the simulator take the API tests' system; only its `system` is used. */
const simulatorSide = () => ({ system: harness.system }) as unknown as Parameters<typeof purchase>[0];

/** What the keyboard is on now (waitForFunction would need `unsafe-eval`, which the app's CSP refuses). */
const focusedLabel = (page: Page) => () =>
  page.evaluate('document.activeElement?.getAttribute("aria-label") ?? null');

/** Elements wider than a phone's viewport, to say why a page scrolls sideways. */
const overflowing = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 8)
    .map((element) => element.tagName.toLowerCase() + '.' + element.className)
    .join(', ')`) as Promise<string>;

const money = (minor: number) => formatAmount(minor, 'DKK', 'da-DK').replace(/\u00a0/g, ' ');

/** Link Nordea as a new saver does (the simulator answers straight back) and keep the suggested accounts. */
async function linkNordea(page: Page): Promise<void> {
  await page.goto('/bank');
  await page.getByRole('button', { name: 'Link Nordea' }).click();
  await page.waitForURL((url) => url.pathname === '/bank/accounts');
  await page.getByRole('button', { name: 'Save accounts' }).click();
  await page.getByRole('status').filter({ hasText: 'Your accounts are saved.' }).waitFor();
}

/** Through the goal form: name, target, optional deadline. */
async function createGoal(page: Page, name: string, target: string, deadline?: string): Promise<void> {
  await page.getByRole('link', { name: /^(New goal|Create your first goal)$/ }).click();
  await page.getByRole('heading', { level: 1, name: 'New goal' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Target amount').fill(target);
  if (deadline) await page.getByLabel('Deadline (optional)').fill(deadline);
  await page.getByRole('button', { name: 'Create goal' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `${name} is created.` })
    .waitFor();
}

describe.skipIf(!browserJourneysRun)('goals and rules in the browser', () => {
  test(
    'goals created, reordered by keyboard and archived; a round-up set up from the gallery after a backtest; a reached goal celebrated',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const email = uniqueEmail('goals');
      await signUp(page, email);
      await linkNordea(page);

      // Spending history for the backtest: card purchases booked over the last weeks, then a sync.
      const api = apiClient(harness.system.url);
      const login = await api<{ accessToken: string }>('POST', '/api/auth/login', {
        body: { email, password: PASSWORD },
      });
      const token = login.body.accessToken;
      await api('PATCH', '/api/me', { token, body: { balanceFloorMinor: 0, minimumTransferMinor: 100 } });
      const bank = await api<{ sourceAccountId: string }>('GET', '/api/bank', { token });
      const today = bankToday();
      const history = [
        ['47.50', 3],
        ['23.00', 9],
        ['61.25', 16],
        ['18.00', 24],
        ['99.95', 31],
        ['32.40', 45],
        ['12.00', 60],
      ] as const;
      for (const [amount, daysAgo] of history) {
        await purchase(simulatorSide(), bank.body.sourceAccountId, amount, {
          counterparty: 'Café Noir',
          date: addDays(today, -daysAgo),
        });
      }
      expect((await api('POST', '/api/bank/sync', { token })).status).toBe(200);

      // Goals: none yet, so the page offers the first one.
      await nav.getByRole('link', { name: 'Goals' }).click();
      await page.getByRole('heading', { level: 1, name: 'Goals' }).waitFor();
      await page.getByText('No goals yet.').waitFor();
      const deadline = addDays(today, 200);
      await createGoal(page, 'Trip to Rome', '8.000', deadline);
      await createGoal(page, 'New bike', '3.000,50');
      const cards = page
        .getByRole('list')
        .filter({ has: page.locator('.goal-card') })
        .getByRole('listitem');
      const rome = page.getByRole('listitem', { name: 'Trip to Rome' });
      await rome.waitFor();
      expect(await textOf(rome)).toContain(`${money(0)} of ${money(800_000)}`);
      expect(await textOf(rome)).toContain('Number 1 of 2');
      expect(await textOf(rome)).toMatch(/Deadline \d+\. \w+ \d{4}/);
      expect(await textOf(rome)).toContain('No saves in the last 4 weeks');
      expect(await textOf(page.getByRole('listitem', { name: 'New bike' }))).toContain(money(300_050));

      // Reorder: the bike goes first; focus stays with it, so the keyboard can move it straight back.
      await page.getByRole('button', { name: 'Move New bike up' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'New bike is now number 1 of 2.' })
        .waitFor({ state: 'attached' });
      expect(await textOf(cards.first().getByRole('heading'))).toBe('New bike');
      await expect.poll(focusedLabel(page)).toBe('Move New bike down');
      const goalsNow = async () =>
        (
          await api<{ items: { name: string; priority: number }[] }>('GET', '/api/goals', { token })
        ).body.items
          .sort((a, b) => a.priority - b.priority)
          .map((goal) => goal.name);
      await expect.poll(goalsNow).toEqual(['New bike', 'Trip to Rome']);
      // The list is read again after a move; let that settle before the next key press.
      await page.waitForLoadState('networkidle');
      expect(await focusedLabel(page)()).toBe('Move New bike down');
      await page.keyboard.press('Enter');
      await page
        .getByRole('status')
        .filter({ hasText: 'New bike is now number 2 of 2.' })
        .waitFor({ state: 'attached' });
      await expect.poll(goalsNow).toEqual(['Trip to Rome', 'New bike']);
      expect(await textOf(cards.first().getByRole('heading'))).toBe('Trip to Rome');
      await page.getByRole('button', { name: 'Move New bike up' }).waitFor();
      await topShot(page, 'desktop-goals');
      await expectNoSeriousA11yViolations(page);

      // Editing opens the same form, filled in.
      await rome.getByRole('link', { name: 'Edit Trip to Rome' }).click();
      await page.getByRole('heading', { level: 1, name: 'Edit Trip to Rome' }).waitFor();
      expect(await page.getByLabel('Target amount').inputValue()).toBe('8000');
      expect(await page.getByLabel('Deadline (optional)').inputValue()).toBe(deadline);
      await topShot(page, 'desktop-goal-edit');
      await page.getByLabel('Emoji (optional)').fill('✈️');
      await page.getByRole('radio', { name: /Move its rules to the next goal/ }).check();
      await page.getByLabel('Target amount').fill('');
      await page.getByRole('button', { name: 'Save changes' }).click();
      // Checked before sending: the message is beside the field, which takes focus.
      await page.getByText('Enter the amount you want to save.').waitFor();
      await expect
        .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-invalid")'))
        .toBe('true');
      await expectNoSeriousA11yViolations(page);
      await page.getByLabel('Target amount').fill('8.000');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').filter({ hasText: 'Your changes are saved.' }).waitFor();
      expect(await textOf(rome)).toContain('When reached, its rules move on to the next goal.');

      // Rules: the whole catalogue in a gallery.
      await nav.getByRole('link', { name: 'Rules' }).click();
      await page.getByRole('heading', { level: 1, name: 'Rules' }).waitFor();
      await page.getByText('No rules yet.').waitFor();
      const gallery = page.getByRole('region', { name: 'Add a rule' });
      for (const name of [
        'Round-up',
        'Guilty pleasure',
        'Payday',
        'Set & forget',
        '52-week challenge',
        'Habit',
        'Spend less',
        'No-spend day',
      ]) {
        await gallery.getByRole('link', { name: `Set up ${name}` }).waitFor();
      }
      await topShot(page, 'desktop-rules');
      await expectNoSeriousA11yViolations(page);

      // A guilty-pleasure draft: its preview reads as a sentence and follows the form.
      await gallery.getByRole('link', { name: 'Set up Guilty pleasure' }).click();
      await page.getByRole('heading', { level: 1, name: 'New rule: Guilty pleasure' }).waitFor();
      const preview = page.getByTestId('rule-preview');
      await page.getByLabel('Shop or text on the purchase').fill('café');
      expect(await textOf(preview)).toBe(
        `Every time you buy at “café”, ${money(2000)} goes to Trip to Rome.`,
      );
      // A weekly limit below one save: the backtest shows it holding the rule back.
      await page.getByLabel('Per week').fill('10');
      expect(await textOf(preview)).toContain(`At most ${money(1000)} a week.`);
      await page.getByRole('button', { name: 'Run backtest' }).click();
      const result = page.locator('.backtest-result');
      await result
        .getByText(/^Over the last 90 days this rule would have saved/)
        .waitFor({ timeout: 30_000 });
      expect(await textOf(result)).toContain('Your limits held it back');

      // The round-up from the gallery: backtested before it is switched on.
      await page.getByRole('link', { name: 'All rules' }).click();
      await gallery.getByRole('link', { name: 'Set up Round-up' }).click();
      await page.getByRole('heading', { level: 1, name: 'New rule: Round-up' }).waitFor();
      expect(await textOf(preview)).toBe(
        `Every card purchase is rounded up to the next ${money(1000)}, and the difference goes to Trip to Rome.`,
      );
      await page.getByLabel('Save into').selectOption({ label: '✈️ Trip to Rome' });
      await page.getByRole('button', { name: 'Run backtest' }).click();
      const headline = result.locator('.backtest-headline');
      await headline.waitFor({ timeout: 30_000 });
      const goals = await api<{ items: { id: string; name: string }[] }>('GET', '/api/goals', { token });
      const romeId = goals.body.items.find((goal) => goal.name === 'Trip to Rome')?.id ?? '';
      const expected = await api<{ totalMinor: number; entryCount: number; weekly: unknown[] }>(
        'POST',
        '/api/rules/backtest',
        {
          token,
          body: { rule: { type: 'round-up', goalId: romeId, roundToMinor: 1000, multiplier: 1, caps: {} } },
        },
      );
      expect(expected.body.entryCount).toBeGreaterThanOrEqual(history.length);
      expect(await textOf(headline)).toBe(
        `Over the last 90 days this rule would have saved ${money(expected.body.totalMinor)} in ${expected.body.entryCount} saves.`,
      );
      // The chart is one named image, with every week's figure in a table for screen readers.
      const chart = page.getByRole('img', {
        name: /^Bar chart of what the rule would have saved in each of \d+ weeks/,
      });
      await chart.waitFor();
      expect(await chart.locator('rect').count()).toBe(expected.body.weekly.length);
      const table = page.getByRole('table', { name: 'Saved per week' });
      expect(await table.getByRole('row').count()).toBe(expected.body.weekly.length + 1);
      expect(await textOf(table)).toMatch(/Week starting \d+\. \w+ \d{4}/);
      await topShot(page, 'desktop-rules-backtest');
      await expectNoSeriousA11yViolations(page);

      // Changing the draft marks the result as out of date until it runs again.
      await page.getByLabel('Multiply the round-up by').selectOption('2');
      await page.getByText('You have changed the rule since.').waitFor();
      await page.getByRole('button', { name: 'Run again' }).click();
      await page
        .getByText('You have changed the rule since.')
        .waitFor({ state: 'detached', timeout: 30_000 });

      await page.getByRole('button', { name: 'Switch on rule' }).click();
      await page.getByRole('status').filter({ hasText: 'The rule is on.' }).waitFor();
      const ruleRow = page.getByRole('listitem').filter({ hasText: 'Every card purchase is rounded up' });
      expect(await textOf(ruleRow)).toContain('2 × the difference goes to Trip to Rome.');
      await ruleRow.getByRole('button', { name: 'Pause Round-up' }).click();
      await page.getByRole('status').filter({ hasText: 'Round-up is paused.' }).waitFor();
      await ruleRow.getByText('It is paused.').waitFor();
      await ruleRow.getByRole('button', { name: 'Resume Round-up' }).click();
      await page.getByRole('status').filter({ hasText: 'Round-up is on again.' }).waitFor();

      // The saved rule opens in the same editor; a changed name is kept, and delete asks first.
      await ruleRow.getByRole('link', { name: 'Edit Round-up' }).click();
      await page.getByRole('heading', { level: 1, name: 'Round-up' }).waitFor();
      expect(await page.getByLabel('Multiply the round-up by').inputValue()).toBe('2');
      await page.getByLabel('Name (optional)').fill('Small change');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').filter({ hasText: 'Your changes are saved.' }).waitFor();
      await page.getByRole('heading', { level: 3, name: /^Small change/ }).waitFor();
      await page.getByRole('link', { name: 'Edit Small change' }).click();
      await page.getByRole('button', { name: 'Delete rule' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this rule?' });
      await dialog.waitFor();
      await expectNoSeriousA11yViolations(page);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Delete rule' }).click();
      await dialog.getByRole('button', { name: 'Yes, delete' }).click();
      await page.getByRole('status').filter({ hasText: 'The rule is deleted.' }).waitFor();
      await page.getByText('No rules yet.').waitFor();

      // Archive: the bike leaves the list (and the order) but can come back.
      await nav.getByRole('link', { name: 'Goals' }).click();
      await page.getByRole('button', { name: 'Archive New bike' }).click();
      await page.getByRole('status').filter({ hasText: 'New bike is archived.' }).waitFor();
      await page.getByRole('listitem', { name: 'New bike' }).waitFor({ state: 'detached' });
      await page.getByText('Archived goals (1)').click();
      await page.getByRole('button', { name: 'Restore New bike' }).waitFor();
      const archived = await api<{ items: { name: string; status: string }[] }>('GET', '/api/goals', {
        token,
      });
      expect(archived.body.items.find((goal) => goal.name === 'New bike')?.status).toBe('archived');

      // A small goal is filled by a round-up that is paid: it is celebrated, and its rules stop.
      const jar = await api<{ id: string }>('POST', '/api/goals', {
        token,
        body: { name: 'Coffee jar', emoji: '☕', targetMinor: 200, currency: 'DKK', priority: 5 },
      });
      await api('POST', '/api/rules', {
        token,
        body: { type: 'round-up', goalId: jar.body.id, roundToMinor: 1000, multiplier: 1 },
      });
      await purchase(simulatorSide(), bank.body.sourceAccountId, '47.50', { counterparty: 'Netto' });
      expect((await api('POST', '/api/bank/sync', { token })).status).toBe(200);
      await harness.system.runJob('execute-transfers');
      await page.reload();
      const celebrated = page.getByRole('listitem', { name: 'Coffee jar' });
      await celebrated.getByText('You reached Coffee jar!').waitFor();
      expect(await textOf(celebrated)).toContain('Its rules have stopped saving for it.');
      expect(await textOf(celebrated)).toContain('Reached');
      await topShot(page, 'desktop-goals-reached');
      await expectNoSeriousA11yViolations(page);

      // Phones: nothing runs off the side, and the seven nav entries still fit at 360 px.
      await page.setViewportSize(PHONE);
      await page.getByRole('heading', { level: 1, name: 'Goals' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await topShot(page, 'phone-goals');
      await expectNoSeriousA11yViolations(page);
      await nav.getByRole('link', { name: 'Rules' }).click();
      await page.getByRole('heading', { level: 1, name: 'Rules' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await topShot(page, 'phone-rules');
      await gallery.getByRole('link', { name: 'Set up Round-up' }).click();
      await page.getByRole('button', { name: 'Run backtest' }).click();
      await headline.waitFor({ timeout: 30_000 });
      expect(await fitsViewport(page), await overflowing(page)).toBe(true);
      await topShot(page, 'phone-rules-backtest');
      await expectNoSeriousA11yViolations(page);
      await page.setViewportSize(SMALL_PHONE);
      expect(await fitsViewport(page)).toBe(true);
      for (const name of ['Home', 'Goals', 'Rules', 'Habits', 'Activity', 'Settings']) {
        expect(await nav.getByRole('link', { name, exact: true }).isVisible()).toBe(true);
      }

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
