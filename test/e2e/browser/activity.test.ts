import { afterAll, beforeAll, describe, test } from 'vitest';
import { purchase } from '#test/support/automation';
import { apiClient } from '#test/support/local-system';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import {
  type BrowserHarness,
  browserJourneysRun,
  fitsViewport,
  openPage,
  PASSWORD,
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
const SMALL_PHONE = { width: 360, height: 760 } as const;

/** The test helpers for the simulator take the API tests' system; only its `system` is used. */
const simulatorSide = () => ({ system: harness.system }) as unknown as Parameters<typeof purchase>[0];

describe.skipIf(!browserJourneysRun)('the automation in the browser', () => {
  test(
    'sync now, the save in Activity with its explanation, the transfer paid and a notification read',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const email = 'ida@example.dk';
      await signUp(page, email);

      // Link Nordea and keep the preselected accounts, as a new saver does.
      await page.getByRole('link', { name: 'Link your Nordea account' }).click();
      await page.getByRole('button', { name: 'Link Nordea' }).click();
      await page.waitForURL((url) => url.pathname === '/bank/accounts');
      await page.getByRole('button', { name: 'Save accounts' }).click();
      await page.getByRole('status').filter({ hasText: 'Your accounts are saved.' }).waitFor();

      // No screens for goals and rules yet: the saver's goal and round-up rule come through the API.
      const api = apiClient(harness.system.url);
      const login = await api<{ accessToken: string }>('POST', '/api/auth/login', {
        body: { email, password: PASSWORD },
      });
      expect(login.status).toBe(200);
      const token = login.body.accessToken;
      expect(
        (await api('PATCH', '/api/me', { token, body: { balanceFloorMinor: 0, minimumTransferMinor: 100 } }))
          .status,
      ).toBe(200);
      const goal = await api<{ id: string }>('POST', '/api/goals', {
        token,
        body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
      });
      expect(goal.status).toBe(201);
      const rule = await api('POST', '/api/rules', {
        token,
        body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
      });
      expect(rule.status).toBe(201);

      // Before any sync, Activity says where saves come from.
      await nav.getByRole('link', { name: 'Activity' }).click();
      await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
      await page.getByText('No saves yet — they appear after your bank is read.').waitFor();
      await page.getByText('No transfers yet.').waitFor();
      await expectNoSeriousA11yViolations(page);

      // A card purchase at Nordea, then "Sync now" on home reads it.
      const bank = await api<{ sourceAccountId: string }>('GET', '/api/bank', { token });
      await purchase(simulatorSide(), bank.body.sourceAccountId, '47.50', { counterparty: 'Netto' });
      await nav.getByRole('link', { name: 'Home' }).click();
      const goals = page.getByRole('region', { name: 'Goals' });
      await goals.getByText('Rome').waitFor();
      expect(await textOf(goals)).toContain('0,00 kr. of 8.000,00 kr.');
      await page.getByRole('button', { name: 'Sync now' }).click();
      const result = page
        .getByRole('status')
        .filter({ hasText: '1 new save. A transfer to your savings account is on its way.' });
      await result.waitFor();
      await result.getByRole('link', { name: 'See activity' }).click();

      // The save with its explanation, on today's date, on its way in a planned transfer.
      await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
      const saves = page.getByRole('region', { name: 'Saves' });
      const today = saves.getByRole('region', { name: /^Today, / });
      const save = today.getByRole('listitem').filter({ hasText: 'Netto' });
      await save.waitFor();
      expect(await textOf(save)).toMatch(/Rounded 47,50 kr\. at .*Netto.* up to 50,00 kr\./);
      expect(await textOf(save.locator('.entry-amount'))).toBe('2,50 kr.');
      await save.getByText('On its way').waitFor();
      const transfers = page.getByRole('region', { name: 'Transfers' });
      const planned = transfers.getByRole('listitem').filter({ hasText: 'Planned, not sent yet' });
      await planned.waitFor();
      expect(await textOf(planned)).toContain('2,50 kr.');
      // Cancelling asks first; Escape leaves the transfer alone.
      await planned.getByRole('button', { name: 'Cancel transfer' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel this transfer?' });
      await dialog.waitFor();
      expect(await textOf(dialog)).toContain('2,50 kr. stays in your spending account');
      await expectNoSeriousA11yViolations(page);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      const bell = page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('button', { name: /^Notifications/ });
      expect(await bell.getAttribute('aria-label')).toBe('Notifications');

      // The executor sends the transfer; the bank pays it at once.
      await harness.system.runJob('execute-transfers');
      await page.reload();
      await transfers.getByRole('listitem').filter({ hasText: 'Paid into savings' }).waitFor();
      await saves
        .getByRole('listitem')
        .filter({ hasText: 'Netto' })
        .getByText('Saved', { exact: true })
        .waitFor();
      await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
      expect(await textOf(page.getByTestId('unread-count'))).toBe('1');

      // The bell opens the notification; following it marks it read and the count drops to 0.
      await bell.click();
      const panel = page.getByRole('region', { name: 'Notifications' });
      await panel.waitFor();
      const notification = panel.getByRole('link', { name: /2,50 kr\. saved/ });
      expect(await textOf(notification)).toContain('2,50 kr. moved to your savings account.');
      await expectNoSeriousA11yViolations(page);
      await nav.getByRole('link', { name: 'Home' }).click();
      await page.getByRole('heading', { level: 1, name: /Good|Hej/ }).waitFor();
      expect(await textOf(page.getByRole('region', { name: 'Goals' }))).toContain('2,50 kr. of 8.000,00 kr.');
      await bell.click();
      await panel.getByRole('link', { name: /2,50 kr\. saved/ }).click();
      await page.waitForURL((url) => url.pathname === '/activity');
      await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
      expect(await page.getByTestId('unread-count').count()).toBe(0);
      await page.getByText('No unread notifications').waitFor({ state: 'attached' });
      // Read at the server too, not only on screen.
      const after = await api<{ unread: number }>('GET', '/api/notifications', { token });
      expect(after.body.unread).toBe(0);

      // A planned transfer can be cancelled, after a question; one the bank already has cannot.
      const syncAndOpenActivity = async (amount: string) => {
        await purchase(simulatorSide(), bank.body.sourceAccountId, amount, { counterparty: 'Lagkagehuset' });
        await nav.getByRole('link', { name: 'Home' }).click();
        await page.getByRole('button', { name: 'Sync now' }).click();
        await page.getByRole('status').filter({ hasText: '1 new save.' }).waitFor();
        await nav.getByRole('link', { name: 'Activity' }).click();
        const row = transfers.getByRole('listitem').filter({ hasText: 'Planned, not sent yet' });
        await row.waitFor();
        await row.getByRole('button', { name: 'Cancel transfer' }).click();
        await dialog.waitFor();
        return row;
      };
      await syncAndOpenActivity('12.00');
      // Meanwhile the executor pays it: the refusal is shown in the API's words.
      await harness.system.runJob('execute-transfers');
      await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
      await transfers.getByRole('alert').filter({ hasText: 'This transfer is already paid.' }).waitFor();
      // The list is read again, so the transfer shows where it really is.
      await transfers
        .getByRole('listitem')
        .filter({ hasText: 'This transfer is already paid.' })
        .getByText('Paid into savings')
        .waitFor();

      await syncAndOpenActivity('33.00');
      await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
      await page.getByRole('status').filter({ hasText: 'The transfer is cancelled.' }).waitFor();
      await transfers.getByRole('listitem').filter({ hasText: 'Cancelled' }).waitFor();
      await saves
        .getByRole('listitem')
        .filter({ hasText: 'Rounded 33,00 kr.' })
        .getByText('Cancelled', { exact: true })
        .waitFor();

      await page.reload();
      await transfers.getByRole('listitem').filter({ hasText: 'Cancelled' }).waitFor();
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-activity');

      // At 360 px, Activity and home fit without sideways scrolling.
      await page.setViewportSize(SMALL_PHONE);
      await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await screenshot(page, 'phone-activity');
      await bell.click();
      await panel.waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
      await nav.getByRole('link', { name: 'Home' }).click();
      await page.getByRole('button', { name: 'Sync now' }).waitFor();
      expect(await fitsViewport(page)).toBe(true);
      await expectNoSeriousA11yViolations(page);

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
