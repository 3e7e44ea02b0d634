import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.ts';

/** Attributes that are storage plumbing or secrets, never shown to anyone. */
const HIDDEN = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'expiresAt', 'version', 'tokenSecretId']);

/**
 * Everything in one saver's partition, for the privacy rights: export it (GDPR Art. 15/20) and
 * erase it (Art. 17). A Query, never a Scan.
 */
export class SaverPartition {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async *items(saverId: string): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.saverPartition(saverId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield item;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** The saver's items grouped by entity, without keys, versions or secret references. */
  async export(saverId: string): Promise<Record<string, Record<string, unknown>[]>> {
    const grouped: Record<string, Record<string, unknown>[]> = {};
    for await (const item of this.items(saverId)) {
      const entity = String(item.entity ?? 'other');
      const visible = Object.fromEntries(
        Object.entries(item).filter(([name]) => !HIDDEN.has(name) && name !== 'entity'),
      );
      const group = grouped[entity] ?? [];
      group.push(visible);
      grouped[entity] = group;
    }
    return grouped;
  }

  /** Deletes every item of the partition except those whose SK is kept; returns how many went. */
  async erase(saverId: string, keepSortKeys: readonly string[] = []): Promise<number> {
    const doomed: { PK: string; SK: string }[] = [];
    for await (const item of this.items(saverId)) {
      if (!keepSortKeys.includes(String(item.SK))) doomed.push({ PK: String(item.PK), SK: String(item.SK) });
    }
    for (let start = 0; start < doomed.length; start += 25) {
      let requests: unknown[] | undefined = doomed
        .slice(start, start + 25)
        .map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 0; requests && requests.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        if (attempt > 6) throw new Error('Could not erase all items');
        const result: BatchWriteCommandOutput = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }),
        );
        requests = result.UnprocessedItems?.[this.tableName];
      }
    }
    return doomed.length;
  }
}
