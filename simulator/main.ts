import { readFileSync } from 'node:fs';
import { DEFAULT_APP, startSimulator } from './server.ts';

/** CLI: `npx tsx simulator/main.ts` (port from SIMULATOR_PORT, default 3100; loopback only). */

const port = Number(process.env.SIMULATOR_PORT ?? 3100);
const publicKeyFile = process.env.SIMULATOR_PUBLIC_KEY_FILE;
const simulator = await startSimulator({
  port,
  host: '127.0.0.1',
  seed: Number(process.env.SIMULATOR_SEED ?? 1),
  consentPage: process.env.SIMULATOR_CONSENT_PAGE === '1',
  ...(process.env.SIMULATOR_DATA_FILE ? { dataFile: process.env.SIMULATOR_DATA_FILE } : {}),
  ...(publicKeyFile ? { apps: [{ ...DEFAULT_APP, publicKeyPem: readFileSync(publicKeyFile, 'utf8') }] } : {}),
  log: (line) => console.log(`[simulator] ${line}`),
});
console.log(
  `[simulator] Nordea sandbox simulator on ${simulator.url} (API under /personal, admin under /__admin)`,
);

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
