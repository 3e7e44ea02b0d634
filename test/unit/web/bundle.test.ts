import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { buildWebApp } from '#test/e2e/browser/support';

/** The JavaScript a first visit downloads before the app can start, gzipped. */
const INITIAL_JS_BUDGET_BYTES = 200 * 1024;

test('the web app’s initial JavaScript stays within 200 KB gzipped, without zod', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sparegris-bundle-'));
  await buildWebApp(outDir);
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const initial = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1] ?? '');
  expect(initial.length).toBeGreaterThan(0);
  let gzipped = 0;
  for (const path of initial) {
    const code = readFileSync(join(outDir, path.replace(/^\//, '')));
    gzipped += gzipSync(code, { level: 9 }).length;
    // The domain's zod schemas belong on the server; the browser formats money without them.
    expect(code.includes('_zod'), `${path} bundles zod`).toBe(false);
  }
  expect(gzipped).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
}, 60_000);
