/**
 * `npm start`: the whole Sparegris system on this machine, with no AWS account and no internet.
 * Ports and the data folder come from the environment (see README); Ctrl-C stops everything.
 */
import { resolve } from 'node:path';
import { DEMO_CUSTOMER_ID } from './demo.ts';
import { repositoryRoot } from './lambda-runtime.ts';
import { demoLogin } from './seed.ts';
import { defaultPorts, startLocalSystem } from './system.ts';
import { ensureWebBuild } from './web-build.ts';

const port = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
    throw new Error(`${name} must be a port number`);
  return parsed;
};

const log = (message: string) => console.log(`[sparegris] ${message}`);

async function main(): Promise<void> {
  const dataDir = resolve(process.env.SPAREGRIS_DATA_DIR ?? resolve(repositoryRoot, '.data'));
  const speedUp = Number(process.env.SPAREGRIS_SPEED_UP ?? '1');
  if (process.env.SPAREGRIS_SKIP_WEB_BUILD !== 'true') await ensureWebBuild(log);

  const system = await startLocalSystem({
    ports: {
      web: port('PORT', defaultPorts.web),
      simulator: port('SIMULATOR_PORT', defaultPorts.simulator),
      dynamo: port('DYNAMO_PORT', defaultPorts.dynamo),
      secrets: port('SECRETS_PORT', defaultPorts.secrets),
      sqs: port('SQS_PORT', defaultPorts.sqs),
    },
    dataDir,
    scheduler: true,
    // The first unattended sync soon after start instead of a rate interval later. Safe on every
    // restart: dispatch hands out only savers whose next sync is due (6 h apart, kept in the data).
    runJobsAfterStart: { 'dispatch-syncs': 5_000 },
    queuePolling: true,
    demoBank: true,
    speedUp,
    consentPage: true,
    log,
  });

  console.log(
    [
      '',
      `  Sparegris is running at ${system.url}`,
      `  Demo login: ${demoLogin.email} / ${demoLogin.password}`,
      `              (bank linked: simulated Nordea customer ${DEMO_CUSTOMER_ID}, with goals, rules and 90 days of savings)`,
      `  API:        ${system.url}/api (health: ${system.url}/api/health)`,
      `  Data:       ${dataDir} (delete it to start from scratch)`,
      `  Nordea:     simulated sandbox at http://localhost:${system.ports.simulator} (accounts: /__admin/accounts)`,
      `  Stand-ins:  DynamoDB 127.0.0.1:${system.ports.dynamo}, Secrets Manager 127.0.0.1:${system.ports.secrets}, SQS 127.0.0.1:${system.ports.sqs}`,
      `  Run a job:  curl -X POST ${system.url}/api/__local/jobs/<name>`,
      '  Stop:       Ctrl-C',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    await system.close();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(
      `[sparegris] a port is already in use (${(error as Error).message}). Is Sparegris already running?`,
    );
  } else {
    console.error('[sparegris] failed to start:', error);
  }
  process.exit(1);
});
