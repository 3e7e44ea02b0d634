import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import {
  type BrowserHarness,
  browserJourneysRun,
  logIn,
  openPage,
  PASSWORD,
  screenshot,
  signUp,
  startBrowserHarness,
  textOf,
  uniqueEmail,
} from './support.ts';

let harness: BrowserHarness;
/** Whole journeys in a browser take longer than the suite's default test timeout allows. */
const JOURNEY_TIMEOUT_MS = 90_000;

const logOutButton = (page: Page) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out' });

beforeAll(async () => {
  if (browserJourneysRun) harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness?.close();
});

// Each journey has its own browser context and saver, so they run side by side.
describe.skipIf(!browserJourneysRun).concurrent('signing up, logging in and staying logged in', () => {
  test(
    'sign up, land on home, keep the session across reloads and tabs, log out and back in',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      const email = 'freja@example.dk';
      await page.goto('/signup');
      await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-signup');

      await signUp(page, email);
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.title()).toBe('Home · Sparegris');
      await page.getByRole('heading', { name: 'Get started' }).waitFor();
      await page.getByRole('link', { name: 'Link your Nordea account' }).waitFor();
      // No goals yet: home shows the steps of getting started, the first one current.
      const steps = page.getByRole('list', { name: 'Getting started' });
      expect(await textOf(steps.locator('[aria-current="step"]'))).toContain('Link your Nordea account');
      // The new saver's default settings, in da-DK.
      const settings = await textOf(page.getByRole('region', { name: 'How Sparegris saves' }));
      expect(settings).toContain('1.000,00 kr.');
      expect(settings).toContain('50,00 kr.');
      expect(settings).toContain('Europe/Copenhagen');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-home-new');

      // Nothing of the session is in web storage, and the cookie is out of script's reach.
      expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
      expect(await page.evaluate('document.cookie')).toBe('');
      const cookie = (await context.cookies()).find(
        (candidate) => candidate.name === '__Host-sparegris_refresh',
      );
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });

      // A reload restores the session from the cookie alone, on any page.
      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await page.getByText(`Signed in as ${email}`).waitFor();

      // Two tabs restoring at the same moment share one cookie; unordered, the second refresh would
      // present an already rotated cookie and end the session as if it were stolen.
      const secondTab = await context.newPage();
      secondTab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await Promise.all([page.reload(), secondTab.goto('/')]);
      await page.getByText(`Signed in as ${email}`).waitFor();
      await secondTab.getByText(`Signed in as ${email}`).waitFor();
      await secondTab.close();
      await page.reload();
      await page.getByText(`Signed in as ${email}`).waitFor();

      // Log out: the cookie is gone, so a reload stays logged out.
      await logOutButton(page).click();
      await page.getByText('You have logged out. See you soon!').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-login');

      await logIn(page, email);
      await page.getByText(`Signed in as ${email}`).waitFor();
      expect(new URL(page.url()).pathname).toBe('/');

      // A deep link opened while logged out is where the login leads.
      await logOutButton(page).click();
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await page.goto('/settings');
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await logIn(page, email);
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/settings');

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );

  test(
    'what went wrong is said where it happened: weak password, taken email, wrong password',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      await page.goto('/signup');
      const password = page.getByLabel('Password', { exact: true });
      await page.getByLabel('Email').fill(uniqueEmail('weak'));

      // Too short: caught before sending, next to the field, which takes the focus.
      await password.fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('listitem').filter({ hasText: 'Use at least 12 characters.' }).waitFor();
      expect(await page.evaluate('document.activeElement.name')).toBe('password');
      expect(await password.getAttribute('aria-invalid')).toBe('true');

      // Long enough but predictable: the server's reason, next to the field it names.
      await password.fill('aaaaaaaaaaaa');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('alert').filter({ hasText: 'Please check the highlighted fields.' }).waitFor();
      const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
      const fieldError = await textOf(page.locator(`[id="${describedBy.split(' ')[0]}"]`));
      expect(fieldError).not.toBe('');
      expect(fieldError).not.toContain('Use at least 12 characters.');
      expect(new URL(page.url()).pathname).toBe('/signup');

      // An email that already has an account: say so, and offer the way to log in.
      await page.getByLabel('Email').fill('demo@sparegris.dk');
      await password.fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      const taken = page.getByRole('alert').filter({ hasText: 'already exists' });
      await taken.waitFor();
      await taken.getByRole('link', { name: 'Log in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();

      await logIn(page, 'demo@sparegris.dk', 'not the right phrase at all');
      await page.getByRole('alert').filter({ hasText: 'The email or password is not correct.' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'desktop-login-error');

      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});

// Last, and alone: it trips the per-address sign-up limit, which then holds for up to a minute.
describe.skipIf(!browserJourneysRun)('throttling', () => {
  test(
    'too many attempts say when to try again, and the button waits until then',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(harness);
      // Sign-ups per address are limited per minute; refused weak passwords still count and cost no hashing.
      let status = 0;
      for (let attempt = 0; attempt < 45 && status !== 429; attempt += 1) {
        const response = await fetch(`${harness.system.url}/api/auth/signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: uniqueEmail('flood'), password: 'short' }),
        });
        status = response.status;
      }
      expect(status).toBe(429);

      await page.goto('/signup');
      await page.getByLabel('Email').fill(uniqueEmail('patient'));
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /Too many attempts\. Wait \d+ seconds? and try again\./ })
        .waitFor();
      const wait = page.getByRole('button', { name: /Try again in \d+ s/ });
      expect(await wait.isDisabled()).toBe(true);
      await expectNoSeriousA11yViolations(page);
      await context.close();
      expect(problems).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
