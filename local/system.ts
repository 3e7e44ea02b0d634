import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_APP, startSimulator } from '#simulator/server';
import {
  type ApiRoute,
  apiRoutes,
  type QueueWorker,
  queueUrlVariables,
  queueWorkers,
  type ScheduledJob,
  scheduledJobs,
} from '#stacks/definitions';
import { createApiDispatcher } from './api-adapter.ts';
import { listen } from './aws-json-server.ts';
import { ensureTable, localDynamoClient, startDynamo } from './dynamo.ts';
import { repositoryRoot } from './lambda-runtime.ts';
import { QueuePoller } from './queue-poller.ts';
import { invokeScheduledJob, LocalScheduler } from './scheduler.ts';
import { startSecretsManager } from './secrets-manager.ts';
import { seedLocalSystem } from './seed.ts';
import { startSqs } from './sqs.ts';
import { createStaticHandler } from './static.ts';

export interface LocalPorts {
  web: number;
  simulator: number;
  dynamo: number;
  secrets: number;
  sqs: number;
}

export const defaultPorts: LocalPorts = {
  web: 3000,
  simulator: 3100,
  dynamo: 3200,
  secrets: 3300,
  sqs: 3400,
};

export interface LocalSystemOptions {
  ports: LocalPorts;
  /** Where dynalite, secrets and queues persist; omit for an in-memory system (tests). */
  dataDir?: string;
  tableName?: string;
  webRoot?: string;
  /** Run the schedules (false in tests, which trigger jobs explicitly). */
  scheduler?: boolean;
  speedUp?: number;
  /** Poll the queues continuously (false in tests, which drain them explicitly). */
  queuePolling?: boolean;
  routes?: readonly ApiRoute[];
  jobs?: readonly ScheduledJob[];
  workers?: readonly QueueWorker[];
  /** Show the simulator's consent page in the bank-linking redirect (the demo); tests go straight back. */
  consentPage?: boolean;
  /** Create the signing keys and the demo saver when missing (default true). */
  seed?: boolean;
  /**
   * With `seed`: link the demo saver to the simulator's demo customer and give it goals, rules and 90
   * days of paid savings, once (`npm start`; default false, so tests start with an unlinked demo saver).
   */
  demoBank?: boolean;
  /** With `scheduler`: scheduled jobs to run once this many milliseconds after start. */
  runJobsAfterStart?: Readonly<Record<string, number>>;
  log?: (message: string) => void;
}

export interface LocalSystem {
  url: string;
  ports: LocalPorts;
  dataDir: string | undefined;
  tableName: string;
  runJob(name: string): Promise<unknown>;
  close(): Promise<void>;
}

export class UnknownJobError extends Error {}

/**
 * Points the AWS SDK and the application configuration at the local stand-ins. Handlers run in this
 * process, so this is all that differs from AWS: no `if (local)` in application code.
 */
export function applyLocalEnvironment(ports: LocalPorts, tableName: string): void {
  Object.assign(process.env, {
    STAGE: 'local',
    TABLE_NAME: tableName,
    WEB_ORIGIN: `http://localhost:${ports.web}`,
    NORDEA_BASE_URL: `http://127.0.0.1:${ports.simulator}/personal`,
    NORDEA_SIGNATURE_MODE: 'sandbox-skip',
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamo}`,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${ports.secrets}`,
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${ports.sqs}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
}

async function readBody(request: IncomingMessage, limit = 1024 * 1024): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendProblem(response: ServerResponse, status: number, title: string, detail: string): void {
  response.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  response.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const log = options.log ?? (() => undefined);
  const tableName = options.tableName ?? 'sparegris';
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const routes = options.routes ?? apiRoutes;
  const jobs = options.jobs ?? scheduledJobs;
  const workers = options.workers ?? queueWorkers;

  const started: { close(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const server of started.reverse()) await server.close();
  };
  try {
    const dynamo = await startDynamo({
      port: options.ports.dynamo,
      ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
    });
    started.push(dynamo);
    const secrets = await startSecretsManager({
      port: options.ports.secrets,
      ...(dataDir ? { file: join(dataDir, 'secrets.json') } : {}),
    });
    started.push(secrets);
    const sqsServer = await startSqs({
      port: options.ports.sqs,
      ...(dataDir ? { file: join(dataDir, 'sqs.json') } : {}),
    });
    started.push(sqsServer);

    const dispatchApi = createApiDispatcher(routes);
    const serveStatic = createStaticHandler(options.webRoot ?? join(repositoryRoot, 'web', 'dist'));
    const jobPath = /^\/api\/__local\/jobs\/([a-z0-9-]+)$/;

    // Listening first, so the simulator and the configuration can name the port it really got;
    // requests wait for readiness (a 503) until the table and seed data are in place.
    let runJob: ((name: string) => Promise<unknown>) | undefined;
    let knownJobs: string[] = [];
    const web = createServer(async (request, response) => {
      const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (runJob === undefined) {
        sendProblem(response, 503, 'Service Unavailable', 'Sparegris is starting; try again in a moment.');
        return;
      }
      try {
        const jobName = jobPath.exec(pathname)?.[1];
        if (jobName !== undefined && request.method === 'POST') {
          try {
            const summary = await runJob(jobName);
            response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
            response.end(JSON.stringify({ job: jobName, summary: summary ?? null }));
          } catch (error) {
            if (!(error instanceof UnknownJobError)) throw error;
            sendProblem(
              response,
              404,
              'Not Found',
              `No job named ${jobName}. Jobs: ${knownJobs.join(', ') || 'none yet'}.`,
            );
          }
          return;
        }
        if (pathname === '/api' || pathname.startsWith('/api/')) {
          const body = await readBody(request);
          if (body === undefined) {
            sendProblem(response, 413, 'Payload Too Large', 'The request body is too large.');
            return;
          }
          if (await dispatchApi(request, response, body)) return;
        }
        serveStatic(request, response);
      } catch (error) {
        // As API Gateway does when a function crashes: a bare 500 with nothing of the error.
        log(
          `request ${request.method} ${pathname} failed: ${error instanceof Error ? error.stack : String(error)}`,
        );
        if (!response.headersSent)
          sendProblem(response, 500, 'Internal Server Error', 'Something went wrong.');
        else response.destroy();
      }
    });
    const webServer = await listen(web, options.ports.web);
    started.push(webServer);

    const simulator = await startSimulator({
      port: options.ports.simulator,
      ...(dataDir ? { dataFile: join(dataDir, 'simulator.json') } : {}),
      consentPage: options.consentPage ?? false,
      apps: [
        {
          ...DEFAULT_APP,
          redirectUris: [
            ...DEFAULT_APP.redirectUris,
            `http://localhost:${webServer.port}/api/bank/callback`,
            `http://127.0.0.1:${webServer.port}/api/bank/callback`,
          ],
        },
      ],
    });
    started.push(simulator);

    const ports: LocalPorts = {
      web: webServer.port,
      simulator: simulator.port,
      dynamo: dynamo.port,
      secrets: secrets.port,
      sqs: sqsServer.port,
    };
    applyLocalEnvironment(ports, tableName);

    const dynamoClient = localDynamoClient(dynamo.url);
    log(`table ${tableName}: ${await ensureTable(dynamoClient, tableName)}`);
    dynamoClient.destroy();

    const sqs = new SQSClient({});
    for (const worker of workers) {
      const deadLetter = await sqs.send(new CreateQueueCommand({ QueueName: `${worker.queueName}-dlq` }));
      const { QueueUrl: queueUrl } = await sqs.send(
        new CreateQueueCommand({
          QueueName: worker.queueName,
          Attributes: {
            VisibilityTimeout: String(worker.visibilityTimeoutSeconds),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: `arn:aws:sqs:eu-north-1:000000000000:${worker.queueName}-dlq`,
              maxReceiveCount: worker.maxReceiveCount,
            }),
          },
        }),
      );
      // As the stacks do: senders find their queue through the environment.
      const urlVariable = queueUrlVariables[worker.queueName];
      if (urlVariable && queueUrl) process.env[urlVariable] = queueUrl;
      log(`queue ${worker.queueName} (dead letters: ${deadLetter.QueueUrl})`);
    }
    // Seeding reads the configuration, so the queue URLs above are in it.
    if (options.seed !== false) await seedLocalSystem(log, { demoBank: options.demoBank === true });
    const pollers = new Map(workers.map((worker) => [worker.name, new QueuePoller(sqs, worker, log)]));

    runJob = async (name: string): Promise<unknown> => {
      const job = jobs.find((candidate) => candidate.name === name);
      if (job) return invokeScheduledJob(job);
      const poller = pollers.get(name);
      if (poller) return poller.drain();
      throw new UnknownJobError(name);
    };
    knownJobs = [...jobs.map((job) => job.name), ...pollers.keys()];

    const scheduler = new LocalScheduler(jobs, options.speedUp ?? 1, log);
    if (options.scheduler) scheduler.start(options.runJobsAfterStart);
    if (options.queuePolling) for (const poller of pollers.values()) poller.start();

    return {
      url: `http://localhost:${ports.web}`,
      ports,
      dataDir,
      tableName,
      runJob,
      close: async () => {
        await scheduler.stop();
        await Promise.all([...pollers.values()].map((poller) => poller.stop()));
        sqs.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
