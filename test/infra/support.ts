import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp, type SparegrisApp } from '#stacks/app';

const temporaryDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A stand-in for the `vite build` output: an index.html and one hashed asset. */
export function webBuildFixture(): string {
  const dir = temporaryDir('sparegris-web-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("sparegris");');
  return dir;
}

/**
 * The whole CDK app, in-process, with asset bundling skipped (the subprocess synth in app.test.ts
 * bundles for real) and a fixture web build.
 */
export function testApp(context: Record<string, string> = {}): SparegrisApp {
  return buildApp(
    new App({
      outdir: temporaryDir('sparegris-cdk-'),
      context: { 'aws:cdk:bundling-stacks': [], ...context },
    }),
    { webBuildDir: webBuildFixture() },
  );
}
