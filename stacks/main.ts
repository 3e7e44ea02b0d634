// The CDK app entry (cdk.json): `npx cdk synth`, `npx cdk deploy --all -c stage=dev`.
// The web app is built afresh for every synth into a temporary directory, so a deploy never ships
// a stale (or missing) web/dist and a synth never races `npm start` rebuilding it. Vite only
// compiles local files: this stays offline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { build } from 'vite';
import { buildApp } from './app.ts';

const webBuildDir = mkdtempSync(join(tmpdir(), 'sparegris-web-'));
try {
  await build({
    configFile: resolve(import.meta.dirname, '..', 'web', 'vite.config.ts'),
    build: { outDir: webBuildDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  // Synthesized here, not at exit, because the build directory goes away once the asset is staged.
  buildApp(new App({ autoSynth: false }), { webBuildDir }).app.synth();
} finally {
  rmSync(webBuildDir, { recursive: true, force: true });
}
