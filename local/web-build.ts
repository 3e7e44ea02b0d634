import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './lambda-runtime.ts';

const webDir = join(repositoryRoot, 'web');
export const webDist = join(webDir, 'dist');

function newestModification(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestModification(join(path, name))));
}

/** Builds the web app when its build is missing or older than its sources. */
export async function ensureWebBuild(log: (message: string) => void): Promise<void> {
  const index = join(webDist, 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts']
    .map((name) => join(webDir, name))
    .filter((path) => existsSync(path));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestModification))) return;
  log('building the web app…');
  const { build } = await import('vite');
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
}
