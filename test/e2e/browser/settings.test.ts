import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import {
  apiToken,
  type BrowserHarness,
  bankPayments,
  bookCardPurchase,
  browserJourneysRun,
  callApi,
  fitsViewport,
  linkBankByApi,
  logIn,
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

const JOURNEY_TIMEOUT_MS = 120_000;
/** A sync reads the bank and runs the rules; on a busy machine that can take a while. */
const SLOW = { timeout: 30_000 } as const;

// One saver for the whole file: the settings journeys run one after another, and the last deletes it.
describe.skipIf(!browserJourneysRun)('settings in the browser', () => {
  test(
    'a balance floor above the balance, then pause-all, stop saving; export; delete the account',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const email = 'karen@example.dk';
      await signUp(page, email);

      // Onboarding is another journey's: this saver's bank, goal and round-up rule come through the API.
      let token = await apiToken(harness, email);
      const bank = await linkBankByApi(harness, token);
      const goal = await callApi<{ id: string }>(harness, 'POST', '/api/goals', {
        token,
        body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
      });
      expect(goal.status).toBe(201);
      const rule = await callApi(harness, 'POST', '/api/rules', {
        token,
        body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
      });
      expect(rule.status).toBe(201);

      await nav.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      const form = page.getByRole('region', { name: 'How Sparegris saves' });
      const floor = form.getByLabel('Balance floor');
      const minimum = form.getByLabel('Minimum transfer');
      // The defaults, as editable kroner.
      expect(await floor.inputValue()).toBe('1000');
      expect(await minimum.inputValue()).toBe('50');
      expect(await form.getByLabel('Monthly limit').inputValue()).toBe('');
      expect(await form.getByLabel('Time zone').inputValue()).toBe('Europe/Copenhagen');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-settings');

      // What is not an amount is refused next to its field, and the field takes the focus.
      await floor.fill('lots');
      await minimum.fill('1,555');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByText('Please check the highlighted fields.').waitFor();
      await form.getByText('Enter an amount in numbers, like 1500 or 49,50.').waitFor();
      await form.getByText('Use at most two decimals.').waitFor();
      expect(await floor.getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('balanceFloorMinor');
      await expectNoSeriousA11yViolations(page);
      await page.setViewportSize(PHONE);
      expect(await fitsViewport(page)).toBe(true);
      await screenshot(page, 'phone-settings-edit');
      await page.setViewportSize({ width: 1280, height: 800 });

      // A floor above what the spending account holds, and a 1 kr minimum transfer.
      const aboveBalance = Math.ceil(bank.availableMinor / 100) + 1000;
      await floor.fill(String(aboveBalance));
      await minimum.fill('1');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByRole('status').filter({ hasText: 'Your settings are saved.' }).waitFor();
      const saved = await callApi<{ balanceFloorMinor: number; minimumTransferMinor: number }>(
        harness,
        'GET',
        '/api/me',
        { token },
      );
      expect(saved.body).toMatchObject({ balanceFloorMinor: aboveBalance * 100, minimumTransferMinor: 100 });

      // A purchase is read: the round-up is skipped for the floor, and the bank is asked for nothing.
      await bookCardPurchase(harness, bank.sourceAccountId, '47.50', 'Netto');
      await nav.getByRole('link', { name: 'Home' }).click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByRole('status').filter({ hasText: '1 new save.' }).waitFor(SLOW);
      await harness.system.runJob('execute-transfers');
      await nav.getByRole('link', { name: 'Activity' }).click();
      const saves = page.getByRole('region', { name: 'Saves' });
      const floorSkip = saves.getByRole('listitem').filter({ hasText: 'Rounded 47,50 kr.' });
      await floorSkip.waitFor();
      expect(await textOf(floorSkip)).toContain(
        'Skipped: Your spending account would have dropped below your balance floor.',
      );
      await page.getByText('No transfers yet.').waitFor();
      expect(await bankPayments(harness)).toEqual([]);

      // Back to no floor, and everything paused: the next purchase is skipped because of the pause.
      await nav.getByRole('link', { name: 'Settings' }).click();
      await floor.fill('0');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByRole('status').filter({ hasText: 'Your settings are saved.' }).waitFor();
      const pause = page.getByRole('region', { name: 'Pause all saving' });
      await pause.getByRole('button', { name: 'Pause all saving' }).click();
      await pause.getByRole('status').filter({ hasText: 'Saving is paused.' }).waitFor();
      await pause.getByRole('button', { name: 'Resume saving' }).waitFor();
      await pause.getByText('Paused', { exact: true }).waitFor();

      await bookCardPurchase(harness, bank.sourceAccountId, '33.00', 'Lagkagehuset');
      await nav.getByRole('link', { name: 'Home' }).click();
      // Home's summary shows the pause too: it reads the same, just-changed settings.
      await page.getByRole('region', { name: 'How Sparegris saves' }).getByText('Paused').waitFor();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByRole('status').filter({ hasText: '1 new save.' }).waitFor(SLOW);
      await harness.system.runJob('execute-transfers');
      await nav.getByRole('link', { name: 'Activity' }).click();
      const pauseSkip = saves.getByRole('listitem').filter({ hasText: 'Rounded 33,00 kr.' });
      await pauseSkip.waitFor();
      expect(await textOf(pauseSkip)).toContain('Skipped: Saving was paused.');
      await expectNoSeriousA11yViolations(page);
      await page.getByText('No transfers yet.').waitFor();
      expect(await bankPayments(harness)).toEqual([]);

      // The saver's data, as a JSON file.
      await nav.getByRole('link', { name: 'Settings' }).click();
      const data = page.getByRole('region', { name: 'Your data' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        data.getByRole('button', { name: 'Download my data' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^sparegris-export-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
        saver: { settings: { email: string; paused: boolean } };
      };
      expect(exported.saver.settings).toMatchObject({ email, paused: true });
      await data.getByRole('status').filter({ hasText: 'Your data is downloaded' }).waitFor();

      // Renewing access to Nordea before it lapses is the linking redirect again.
      const consent = page.getByRole('region', { name: 'Access to Nordea' });
      expect(await textOf(consent)).toMatch(
        /until \d{1,2}\. \p{L}+ \d{4}\. That is (89|90) days from now\./u,
      );
      await consent.getByRole('button', { name: 'Renew access now' }).click();
      await page.waitForURL((url) => url.pathname === '/bank/accounts');
      await page.getByRole('status').filter({ hasText: 'Nordea is linked.' }).waitFor();
      await nav.getByRole('link', { name: 'Settings' }).click();

      // Log out everywhere: a second browser, logged in as the same saver, loses its session too.
      const other = await openPage(harness);
      await other.page.goto('/login');
      await logIn(other.page, email);
      await other.page.getByRole('navigation', { name: 'Main' }).waitFor();
      const everywhere = page.getByRole('region', { name: 'Log out everywhere' });
      await everywhere.getByRole('button', { name: 'Log out everywhere' }).click();
      const leaveAll = page.getByRole('dialog', { name: 'Log out on every device?' });
      await leaveAll.getByRole('button', { name: 'Yes, log out everywhere' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByText('You have logged out on every device.').waitFor();
      await other.page.reload();
      await other.page.waitForURL((url) => url.pathname === '/login');
      await other.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await other.context.close();
      expect(other.problems).toEqual([]);
      await logIn(page, email);
      await nav.waitFor();
      token = await apiToken(harness, email);
      await nav.getByRole('link', { name: 'Settings' }).click();

      // Deleting asks for the email address first; a wrong one deletes nothing.
      const danger = page.getByRole('region', { name: 'Delete your account' });
      await danger.getByRole('button', { name: 'Delete my account' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete your account for good?' });
      await dialog.waitFor();
      await dialog.getByLabel('Your email address').fill('someone@example.dk');
      await dialog.getByRole('button', { name: 'Delete everything' }).click();
      await dialog.getByText('This is not the email address of your account.').waitFor();
      await expectNoSeriousA11yViolations(page);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect((await callApi(harness, 'GET', '/api/me', { token })).status).toBe(200);

      await danger.getByRole('button', { name: 'Delete my account' }).click();
      await dialog.getByLabel('Your email address').fill(email);
      await screenshot(page, 'desktop-delete-account', 'viewport');
      await dialog.getByRole('button', { name: 'Delete everything' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByText('Your account and all your data are deleted.').waitFor();
      await expectNoSeriousA11yViolations(page);

      // The login is gone with everything else.
      await logIn(page, email);
      await page.getByRole('alert').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(
        (
          await callApi(harness, 'POST', '/api/auth/login', {
            body: { email, password: 'a long and private phrase' },
          })
        ).status,
      ).toBe(401);

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
