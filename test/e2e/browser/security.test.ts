import { afterAll, beforeAll, describe, test } from 'vitest';
import {
  type BrowserHarness,
  browserJourneysRun,
  logIn,
  openPage,
  PASSWORD,
  signUp,
  startBrowserHarness,
  uniqueEmail,
} from './support.ts';

let harness: BrowserHarness;
const TIMEOUT_MS = 90_000;

beforeAll(async () => {
  if (browserJourneysRun) harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe.skipIf(!browserJourneysRun).concurrent('the browser enforces what the server asks', () => {
  test(
    'the CSP blocks an injected inline script',
    async ({ expect }) => {
      const { page } = await openPage(harness);
      await page.goto('/login');
      await page.getByRole('heading', { level: 1 }).waitFor();
      // As an XSS would: a script element and an inline event handler put into the page.
      // (A string, run as page script: this project's types have no DOM.)
      const outcome = (await page.evaluate(`(async () => {
        const violations = [];
        document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'window.injectedScriptRan = true;';
        document.body.append(script);
        const image = document.createElement('img');
        image.setAttribute('onerror', 'window.injectedHandlerRan = true;');
        image.src = 'data:,not-an-image';
        document.body.append(image);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return { script: window.injectedScriptRan, handler: window.injectedHandlerRan, violations };
      })()`)) as { script?: boolean; handler?: boolean; violations: string[] };
      expect(outcome.script).toBeUndefined();
      expect(outcome.handler).toBeUndefined();
      expect(outcome.violations.some((directive) => directive.startsWith('script-src'))).toBe(true);
      // The policy comes with the page itself, not only from CloudFront in AWS.
      const response = await page.request.get('/');
      expect(response.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$| )/);
      await page.context().close();
    },
    TIMEOUT_MS,
  );

  test(
    'cookies carry Secure-equivalent, HttpOnly and SameSite=Strict flags and storage holds nothing sensitive',
    async ({ expect }) => {
      const { page, context } = await openPage(harness);
      const email = uniqueEmail('storage');
      await signUp(page, email);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      const loginAnswer = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
      await logIn(page, email);
      const accessToken = ((await (await loginAnswer).json()) as { accessToken: string }).accessToken;
      await page.getByText(`Signed in as ${email}`).waitFor();

      const cookies = await context.cookies();
      expect(cookies).toHaveLength(1);
      const [refresh] = cookies;
      expect(refresh).toMatchObject({
        name: '__Host-sparegris_refresh',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        path: '/',
      });
      const stored = (await page.evaluate(`({
        cookie: document.cookie,
        local: JSON.stringify({ ...window.localStorage }),
        session: JSON.stringify({ ...window.sessionStorage }),
      })`)) as { cookie: string; local: string; session: string };
      // Script cannot read the refresh cookie, and nothing secret or personal is kept in storage.
      expect(stored.cookie).toBe('');
      for (const place of [stored.local, stored.session]) {
        for (const secret of [accessToken, refresh?.value ?? 'x', PASSWORD, email, 'eyJ']) {
          expect(place).not.toContain(secret);
        }
      }
      await context.close();
    },
    TIMEOUT_MS,
  );
});
