import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { freePort } from '#test/support/ports';

const dataDir = mkdtempSync(join(tmpdir(), 'sparegris-npm-start-'));
let running: ChildProcess | undefined;

async function npmStart(
  ports: Record<string, number>,
): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  // Its own process group, so a signal reaches npm and the runtime together, as Ctrl-C in a terminal does.
  const child = spawn('npm', ['start', '--silent'], {
    detached: true,
    env: {
      ...process.env,
      PORT: String(ports.web),
      SIMULATOR_PORT: String(ports.simulator),
      DYNAMO_PORT: String(ports.dynamo),
      SECRETS_PORT: String(ports.secrets),
      SQS_PORT: String(ports.sqs),
      SPAREGRIS_DATA_DIR: dataDir,
    },
  });
  running = child;
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Sparegris is running at')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => output };
}

/** Ctrl-C: the runtime closes everything and exits 0; npm then ends by the same signal, as it does. */
async function interrupt(child: ChildProcess, output: () => string): Promise<void> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  if (child.pid) process.kill(-child.pid, 'SIGINT');
  const { code, signal } = await exited;
  expect(code === 0 || signal === 'SIGINT').toBe(true);
  expect(output()).toContain('[sparegris] stopped');
}

afterEach(() => {
  if (running?.pid && running.exitCode === null && running.signalCode === null) {
    try {
      process.kill(-running.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

test('`npm start` serves the API and the web app, stops on Ctrl-C and finds its data again', {
  timeout: 180_000,
}, async () => {
  const ports = {
    web: await freePort(),
    simulator: await freePort(),
    dynamo: await freePort(),
    secrets: await freePort(),
    sqs: await freePort(),
  };
  const base = `http://localhost:${ports.web}`;

  const first = await npmStart(ports);
  expect(first.output()).toContain(`Sparegris is running at ${base}`);
  expect(first.output()).toContain(dataDir);
  // The demo saver gets its simulated bank, goals, rules and paid history once (test/integration/local/demo.test.ts).
  expect(first.output()).toContain('linked the demo saver');
  expect(first.output()).toContain('bank linked: simulated Nordea customer psu-demo');

  const health = await fetch(`${base}/api/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });

  const missing = await fetch(`${base}/api/nope`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toBe('application/problem+json');

  const page = await fetch(`${base}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="root">');

  await interrupt(first.child, first.output);

  const second = await npmStart(ports);
  expect(second.output()).toContain('table sparegris: existing');
  expect(second.output()).not.toContain('linked the demo saver');
  expect((await fetch(`${base}/api/health`)).status).toBe(200);
  await interrupt(second.child, second.output);
});
