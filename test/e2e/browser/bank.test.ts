import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import {
  type BrowserHarness,
  browserJourneysRun,
  fitsViewport,
  openPage,
  PHONE,
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

/** Whole journeys in a browser take longer than the suite's default test timeout allows. */
const JOURNEY_TIMEOUT_MS = 90_000;

/** da-DK money: 12.345,67 kr. */
const DANISH_AMOUNT = /-?\d{1,3}(\.\d{3})*,\d{2} kr\./;
/** An IBAN in groups of four, or a Danish registration and account number. */
const ACCOUNT_NUMBER = /[A-Z]{2}\d{2}( [A-Z0-9]{1,4})+|\d{4} \d{10}/;

/** Home → the explainer → Nordea (the simulator answers straight back) → choose accounts. */
async function linkNordea(page: Page, screenshotName?: string): Promise<void> {
  await page.getByRole('link', { name: 'Link your Nordea account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Link your Nordea account' }).waitFor();
  await page.getByRole('heading', { name: 'What linking does' }).waitFor();
  await expectNoSeriousA11yViolations(page);
  if (screenshotName) await screenshot(page, screenshotName);
  await page.getByRole('button', { name: 'Link Nordea' }).click();
  await page.waitForURL((url) => url.pathname === '/bank/accounts');
  await page.getByRole('heading', { level: 1, name: 'Choose your accounts' }).waitFor();
}

// Each journey has its own browser context and saver, so they run side by side.
describe.skipIf(!browserJourneysRun).concurrent('linking Nordea', () => {
  test(
    'link, come back, choose accounts, see them at home, then unlink with confirmation',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      await signUp(page, 'freja@example.dk');

      // A link that did not work out comes back as `/?bank=…` and is explained on the link page.
      const outcomes = {
        declined: 'Linking was cancelled at Nordea, so nothing was shared.',
        expired: 'The link to Nordea took too long and expired.',
        error: 'Something went wrong while linking Nordea.',
      };
      for (const [outcome, message] of Object.entries(outcomes)) {
        await page.goto(`/?bank=${outcome}`);
        await page.getByRole('alert').filter({ hasText: message }).waitFor();
        expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/bank');
        await page.getByRole('button', { name: 'Link Nordea' }).waitFor();
      }
      await expectNoSeriousA11yViolations(page);
      await page.getByRole('link', { name: 'Home' }).click();

      await linkNordea(page, 'desktop-link-nordea');
      await page.getByRole('status').filter({ hasText: 'Nordea is linked.' }).waitFor();
      const spending = page.getByRole('group', { name: 'Spending account' });
      const savings = page.getByRole('group', { name: 'Savings account' });
      await spending.waitFor();
      expect(await spending.getByRole('radio').count()).toBe(2);
      // Preselected from GET /api/bank: the current account pays, the savings account receives.
      const currentOption = spending.locator('label', { hasText: 'Current account' });
      const savingsOption = savings.locator('label', { hasText: 'Savings account' });
      expect(await currentOption.getByRole('radio').isChecked()).toBe(true);
      expect(await savingsOption.getByRole('radio').isChecked()).toBe(true);
      expect(await textOf(currentOption)).toMatch(DANISH_AMOUNT);
      expect(await textOf(currentOption)).toMatch(ACCOUNT_NUMBER);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-choose-accounts');

      // The same account on both sides is refused before anything is sent.
      await savings.locator('label', { hasText: 'Current account' }).click();
      await page.getByRole('button', { name: 'Save accounts' }).click();
      await savings.getByText('Choose a different account than the spending account.').waitFor();
      await expectNoSeriousA11yViolations(page);

      await savingsOption.click();
      const sourceName = await textOf(currentOption.locator('.account-name'));
      const savingsName = await textOf(savingsOption.locator('.account-name'));
      await page.getByRole('button', { name: 'Save accounts' }).click();
      // No goal yet: getting started carries on with the first goal; home waits behind "Skip for now".
      await page.waitForURL((url) => url.pathname === '/start/goal');
      await page.getByRole('status').filter({ hasText: 'Your accounts are saved.' }).waitFor();
      await page.getByRole('link', { name: 'Skip for now' }).click();
      await page.waitForURL((url) => url.pathname === '/');

      const bank = page.getByRole('region', { name: 'Your Nordea accounts' });
      expect(await textOf(bank.locator('.account-tile-source .account-name'))).toBe(sourceName);
      expect(await textOf(bank.locator('.account-tile-savings .account-name'))).toBe(savingsName);
      expect(await textOf(bank.locator('.account-tile-source .account-balance'))).toMatch(DANISH_AMOUNT);
      expect(await textOf(bank)).toMatch(/Access valid until \d{1,2}\. \p{L}+ \d{4}/u);
      await page
        .getByRole('region', { name: 'Get started' })
        .getByRole('link', { name: 'Create your first goal' })
        .waitFor();
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-home');

      // The choice holds across a reload: it came from the server, not from the page's memory.
      await page.reload();
      await page.getByRole('region', { name: 'Your Nordea accounts' }).getByText(savingsName).waitFor();

      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await page.getByRole('button', { name: 'Unlink Nordea' }).click();
      const dialog = page.getByRole('dialog', { name: 'Unlink Nordea?' });
      await dialog.waitFor();
      // Escape cancels, and nothing happens.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('region', { name: 'Your Nordea accounts' }).waitFor();
      await page.getByRole('button', { name: 'Unlink Nordea' }).click();
      await dialog.waitFor();
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-unlink-dialog', 'viewport');
      await dialog.getByRole('button', { name: 'Yes, unlink' }).click();
      await page.getByRole('status').filter({ hasText: 'Nordea is unlinked.' }).waitFor();
      await page.getByRole('region', { name: 'Bank connection' }).getByText('Not linked').waitFor();

      await page.getByRole('link', { name: 'Home' }).click();
      await page.getByRole('heading', { name: 'Get started' }).waitFor();
      await expectNoSeriousA11yViolations(page);

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );

  test(
    'on a 390 px phone every screen fits without sideways scrolling',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness, PHONE);
      await page.goto('/login');
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'phone-login');

      await signUp(page, 'mads@example.dk');
      expect(await fitsViewport(page)).toBe(true);
      await screenshot(page, 'phone-home-new');

      await linkNordea(page, 'phone-link-nordea');
      expect(await fitsViewport(page)).toBe(true);
      await screenshot(page, 'phone-choose-accounts');
      await page.getByRole('button', { name: 'Save accounts' }).click();
      await page.getByRole('status').filter({ hasText: 'Your accounts are saved.' }).waitFor();
      await page.getByRole('link', { name: 'Skip for now' }).click();
      await page.getByRole('region', { name: 'Your Nordea accounts' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'phone-home');

      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'phone-settings');

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
