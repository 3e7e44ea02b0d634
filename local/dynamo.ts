import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '#store/table-definition';
import { listen, type RunningServer } from './aws-json-server.ts';

// dynalite ships no type declarations and is CommonJS.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => import('node:http').Server;

/** DynamoDB on loopback: dynalite, on LevelDB under `path` (or in memory without one). */
export async function startDynamo(options: { port: number; path?: string }): Promise<RunningServer> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  // dynalite's own server.close also closes its LevelDB, so the next start can open it again.
  return listen(server, options.port);
}

/**
 * In-memory dynalite in a child process (dynamo-process.ts), so a benchmark's own code and the
 * table do not share one thread. Closing it ends the process.
 */
export async function startDynamoProcess(): Promise<Omit<RunningServer, 'server'>> {
  const child = fork(new URL('./dynamo-process.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

/** Creates the table from the shared key definition unless it exists already. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existing'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'existing';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return 'created';
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
