import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { repositoryRoot } from '#local/lambda-runtime';
import { type LocalSystem, startLocalSystem } from '#local/system';
import { apiClient, followBankLink } from '#test/support/local-system';

/** Debian's chromium (`.ci/run` installs it); Playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether the browser journeys run. CI (CI=true, after `.ci/run` installed chromium) always runs
 * them and fails without a browser; a laptop without Debian's chromium skips them with a notice,
 * so `npm test` works where only Node and npm are installed.
 */
export const browserJourneysRun = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';
if (!browserJourneysRun) {
  console.warn(
    `Skipping the browser journeys: ${CHROMIUM_PATH} is missing. Install it with \`apt-get install chromium\` (CI does).`,
  );
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * `UPDATE_SCREENSHOTS=1 npx vitest run test/e2e/browser` refreshes the README's screenshots; ordinary
 * runs leave docs/ alone, as the pictures carry dates and balances that change with every run.
 */
export const screenshotDir = process.env.UPDATE_SCREENSHOTS
  ? join(repositoryRoot, 'docs', 'screenshots')
  : undefined;

/**
 * Builds the web app into a private folder. Not web/dist: the `npm start` journey may rebuild that
 * one at the same moment, and a half-emptied folder would fail these tests at random.
 */
export async function buildWebApp(outDir: string): Promise<void> {
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would give React's development build; test what savers get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(repositoryRoot, 'web', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export interface BrowserHarness {
  system: LocalSystem;
  browser: Browser;
  close(): Promise<void>;
}

/** The whole local system on free ports, serving a fresh build, and a headless chromium. */
export async function startBrowserHarness(): Promise<BrowserHarness> {
  // All three at once: the static server reads the build folder only when asked for a file.
  const webRoot = mkdtempSync(join(tmpdir(), 'sparegris-web-'));
  const [, browser, system] = await Promise.all([
    buildWebApp(webRoot),
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    }),
    startLocalSystem({
      ports: { web: 0, simulator: 0, dynamo: 0, secrets: 0, sqs: 0 },
      dataDir: mkdtempSync(join(tmpdir(), 'sparegris-browser-')),
      webRoot,
    }),
  ]);
  return {
    system,
    browser,
    close: async () => {
      await browser.close();
      await system.close();
    },
  };
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Script errors and CSP violations seen so far (the app must cause none). */
  problems: string[];
}

/** A fresh context (its own cookies) and page, in Copenhagen, failing on script errors and CSP refusals. */
export async function openPage(
  harness: BrowserHarness,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<TestPage> {
  const context = await harness.browser.newContext({
    baseURL: harness.system.url,
    viewport,
    deviceScaleFactor: 1,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
    locale: 'en-GB',
    timezoneId: 'Europe/Copenhagen',
  });
  const page = await context.newPage();
  // Generous: the journeys share a small machine, and sign-up hashes with scrypt on purpose.
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs every non-2xx answer; those the tests provoke on purpose are not problems.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return { context, page, problems };
}

export const uniqueEmail = (who: string): string =>
  `${who}-${Math.random().toString(36).slice(2, 10)}@example.dk`;

export const PASSWORD = 'a long and private phrase';

export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(`Signed in as ${email}`).waitFor({ timeout: 30_000 });
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** An element's text, with the no-break spaces of da-DK amounts ("1.000,00 kr.") as plain spaces. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** True when the page is no wider than the viewport (no sideways scrolling on a phone). */
export async function fitsViewport(page: Page): Promise<boolean> {
  // Strings, because the tests' TypeScript has no DOM types; this runs in the page.
  return (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) === true;
}

/** Whole pages by default; `viewport` for a modal, whose backdrop covers only the viewport. */
export async function screenshot(
  page: Page,
  name: string,
  area: 'page' | 'viewport' = 'page',
): Promise<void> {
  if (!screenshotDir) return;
  mkdirSync(screenshotDir, { recursive: true });
  // Let fonts and the last state change settle, and keep the caret out of the picture.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({
    path: join(screenshotDir, `${name}.png`),
    fullPage: area === 'page',
    caret: 'hide',
    animations: 'disabled',
  });
}

// --- The bank and the jobs behind the browser (issue 8 journeys) -------------------------------------

/** Today in Copenhagen: the date the simulated bank books on. */
export const bankToday = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(new Date());

/** The simulator's loopback admin API (DESIGN §6). */
export async function simulatorAdmin<T = Record<string, unknown>>(
  harness: BrowserHarness,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${harness.system.ports.simulator}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator admin ${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** A booked card purchase today at the simulated bank, as the card terminal would report it. */
export async function bookCardPurchase(
  harness: BrowserHarness,
  accountId: string,
  amount: string,
  counterparty = 'Netto',
): Promise<void> {
  await simulatorAdmin(harness, 'POST', `/accounts/${encodeURIComponent(accountId)}/transactions`, {
    amount: `-${amount}`,
    currency: 'DKK',
    status: 'billed',
    counterparty_name: counterparty,
    card_number: '4571 10** **** 1234',
    booking_date: bankToday(),
  });
}

/** Every payment the simulated bank has received. */
export async function bankPayments(
  harness: BrowserHarness,
): Promise<{ _id: string; external_id?: string; payment_status: string }[]> {
  return (await simulatorAdmin<{ payments: [] }>(harness, 'GET', '/payments')).payments;
}

/** Runs a scheduled job or queue worker now, over HTTP, as `curl -X POST …/api/__local/jobs/<name>` does. */
export async function runLocalJob(harness: BrowserHarness, name: string): Promise<unknown> {
  const response = await fetch(`${harness.system.url}/api/__local/jobs/${name}`, { method: 'POST' });
  if (!response.ok) throw new Error(`job ${name}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A JSON call to the API, with a bearer token when given. */
export async function callApi<T = Record<string, unknown>>(
  harness: BrowserHarness,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${harness.system.url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** An access token for a saver, from the API's own login (the browser keeps its own session). */
export async function apiToken(harness: BrowserHarness, email: string, password = PASSWORD): Promise<string> {
  const login = await callApi<{ accessToken: string }>(harness, 'POST', '/api/auth/login', {
    body: { email, password },
  });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status}`);
  return login.body.accessToken;
}

/**
 * Links Nordea for a saver without the browser: the simulator answers the authorize URL straight
 * back to the API's callback, which keeps the preselected accounts.
 */
export async function linkBankByApi(
  harness: BrowserHarness,
  token: string,
): Promise<{ sourceAccountId: string; savingsAccountId: string; availableMinor: number }> {
  const { callback } = await followBankLink(apiClient(harness.system.url), token);
  const landing = callback.headers.get('location') ?? '';
  if (!landing.includes('bank=linked')) throw new Error(`linking ended at ${landing}`);
  const bank = await callApi<{
    sourceAccountId: string;
    savingsAccountId: string;
    accounts: { id: string; availableMinor: number }[];
  }>(harness, 'GET', '/api/bank', { token });
  const source = bank.body.accounts.find((account) => account.id === bank.body.sourceAccountId);
  return {
    sourceAccountId: bank.body.sourceAccountId,
    savingsAccountId: bank.body.savingsAccountId,
    availableMinor: source?.availableMinor ?? 0,
  };
}
