import { afterAll, beforeAll, describe, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import {
  apiToken,
  type BrowserHarness,
  bankPayments,
  bookCardPurchase,
  browserJourneysRun,
  callApi,
  DESKTOP,
  fitsViewport,
  openPage,
  PHONE,
  runLocalJob,
  screenshot,
  signUp,
  startBrowserHarness,
  textOf,
} from './support.ts';

let harness: BrowserHarness;

beforeAll(async () => {
  if (browserJourneysRun) harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness?.close();
});

const JOURNEY_TIMEOUT_MS = 150_000;

/** For a failure message: the elements that stick out past the right edge of the viewport. */
const WIDEST = `[...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-5)
  .map((element) => element.tagName + '.' + element.className + ' ' + Math.round(element.getBoundingClientRect().right))
  .join(', ')`;

/** Both sizes of a screen: the desktop picture, then the 390 px phone one, which must not scroll sideways. */
async function bothSizes(page: import('playwright-core').Page, name: string): Promise<boolean> {
  await screenshot(page, `desktop-${name}`);
  await page.setViewportSize(PHONE);
  // Two frames: the chart redraws at the new width when its resize observer reports.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  const fits = await fitsViewport(page);
  if (!fits) console.log('too wide:', await page.evaluate(WIDEST));
  await screenshot(page, `phone-${name}`);
  await page.setViewportSize(DESKTOP);
  return fits;
}

describe.skipIf(!browserJourneysRun)('a new saver from sign-up to the first paid transfer', () => {
  test(
    'sign up, link Nordea, choose accounts, create a goal, pick round-up; purchases are synced, paid and shown',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      const email = 'astrid@example.dk';
      await signUp(page, email);
      const start = page.getByRole('region', { name: 'Get started' });
      await start.getByRole('list', { name: 'Getting started' }).waitFor();
      await expectNoSeriousA11yViolations(page);

      // Nordea: the simulator answers straight back, and the preselected accounts are kept.
      await start.getByRole('link', { name: 'Link your Nordea account' }).click();
      await page.getByRole('button', { name: 'Link Nordea' }).click();
      await page.waitForURL((url) => url.pathname === '/bank/accounts');
      await page.getByRole('button', { name: 'Save accounts' }).click();

      // With no goal yet, the saver is led on to create one.
      await page.waitForURL((url) => url.pathname === '/start/goal');
      await page.getByRole('status').filter({ hasText: 'Your accounts are saved.' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Create your first goal' }).waitFor();
      const steps = page.getByRole('list', { name: 'Getting started' });
      expect(await textOf(steps.locator('[aria-current="step"]'))).toContain('Create your first goal');
      await page.getByRole('button', { name: 'Create goal' }).click();
      await page.getByText('Give your goal a name.').waitFor();
      await page.getByText('Enter an amount.').waitFor();
      expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('name');
      await page.getByLabel('Name').fill('Rome');
      await page.getByLabel('Target amount').fill('8.000');
      const deadline = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('Deadline (optional)').fill(deadline);
      await expectNoSeriousA11yViolations(page);
      expect(await bothSizes(page, 'onboarding-goal')).toBe(true);
      await page.getByRole('button', { name: 'Create goal' }).click();

      // The templates, none ticked: money only moves on a rule the saver chose.
      await page.waitForURL((url) => url.pathname === '/start/rules');
      await page.getByRole('heading', { level: 1, name: 'Pick rules that save for you' }).waitFor();
      await page.getByText('Each rule you tick saves into Rome.').waitFor();
      const templates = page.getByRole('group', { name: 'Rules' });
      for (const name of ['Round up to 10 kr', '20 kr per coffee', '10 % of salary', '50 kr per workout']) {
        expect(await templates.getByRole('checkbox', { name: new RegExp(name) }).isChecked()).toBe(false);
      }
      await page.getByRole('button', { name: 'Start saving' }).click();
      await page.getByText('Tick at least one rule, or skip this step for now.').waitFor();
      await templates.getByRole('checkbox', { name: /Round up to 10 kr/ }).check();
      await expectNoSeriousA11yViolations(page);
      expect(await bothSizes(page, 'onboarding-templates')).toBe(true);
      await page.getByRole('button', { name: 'Start saving' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByRole('status').filter({ hasText: '1 rule now saves for Rome.' }).waitFor();

      const token = await apiToken(harness, email);
      const goals = await callApi<{ items: { id: string; name: string; deadline: string }[] }>(
        harness,
        'GET',
        '/api/goals',
        { token },
      );
      expect(goals.body.items).toMatchObject([{ name: 'Rome', deadline }]);
      const rules = await callApi<{ items: Record<string, unknown>[] }>(harness, 'GET', '/api/rules', {
        token,
      });
      expect(rules.body.items).toMatchObject([
        {
          type: 'round-up',
          roundToMinor: 1000,
          multiplier: 1,
          goalId: goals.body.items[0]?.id,
          paused: false,
        },
      ]);

      // Six card purchases at the bank, each rounding up by 9,99 kr: past the default 50 kr minimum transfer.
      const bank = await callApi<{ sourceAccountId: string }>(harness, 'GET', '/api/bank', { token });
      for (const counterparty of ['Netto', 'REMA 1000', 'Føtex', 'Lidl', 'Irma', 'Meny']) {
        await bookCardPurchase(harness, bank.body.sourceAccountId, '40.01', counterparty);
      }
      // The unattended sync, as the schedule runs it, then the payment and its reconciliation.
      expect(await runLocalJob(harness, 'dispatch-syncs')).toMatchObject({ summary: { dispatched: 1 } });
      await runLocalJob(harness, 'sync-saver');
      await runLocalJob(harness, 'execute-transfers');
      await runLocalJob(harness, 'reconcile-transfers');
      const payments = await bankPayments(harness);
      expect(payments).toHaveLength(1);
      expect(payments[0]?.payment_status).toBe('Paid');

      await page.reload();
      const goalsCard = page.getByRole('region', { name: 'Goals' });
      await goalsCard.getByText('Rome').waitFor();
      expect(await textOf(goalsCard)).toContain('59,94 kr. of 8.000,00 kr.');
      const month = page.getByRole('region', { name: 'This month' });
      await month.getByText('59,94 kr.').waitFor();
      const next = page.getByRole('region', { name: 'Next transfer' });
      await next.getByText('Paid into savings').waitFor();
      expect(await textOf(next)).toContain('59,94 kr.');
      expect(await textOf(next)).toContain('6 saves');
      const chart = page.getByRole('region', { name: 'Saving over time' });
      const picture = chart.getByRole('img');
      await picture.waitFor();
      expect(((await picture.getAttribute('aria-label')) ?? '').replace(/\u00a0/g, ' ')).toContain(
        'Rome from 0,00 kr. to 59,94 kr.',
      );
      await expectNoSeriousA11yViolations(page);
      expect(await bothSizes(page, 'dashboard')).toBe(true);

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
