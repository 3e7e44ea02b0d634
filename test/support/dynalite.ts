import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunningServer } from '#local/aws-json-server';
import { ensureTable, localDynamoClient, startDynamo } from '#local/dynamo';

export interface TestTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  close(): Promise<void>;
}

/** An in-memory dynalite with the real table definition, for repository tests. */
export async function startTestTable(tableName = 'sparegris-test'): Promise<TestTable> {
  const server: RunningServer = await startDynamo({ port: 0 });
  const raw = localDynamoClient(server.url);
  await ensureTable(raw, tableName);
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    client,
    tableName,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
