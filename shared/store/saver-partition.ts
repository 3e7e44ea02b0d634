import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.ts';

/** Attributes that are storage plumbing or secrets, never shown to anyone. */
const HIDDEN = new Set([
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'expiresAt',
  'version',
  'tokenSecretId',
  'creditedTransfers',
]);
/** Items that are only plumbing (the sync run lease), left out of the export altogether. */
const HIDDEN_ENTITIES = new Set(['sync-lease']);

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
      if (HIDDEN_ENTITIES.has(entity)) continue;
      const visible = Object.fromEntries(
        Object.entries(item).filter(([name]) => !HIDDEN.has(name) && name !== 'entity'),
      );
      const group = grouped[entity] ?? [];
      group.push(visible);
      grouped[entity] = group;
    }
    return grouped;
  }

  /**
   * Deletes every item of the partition except those whose SK is kept; returns how many went. The
   * open-transfer markers of the saver's transfers live outside the partition; they go first, so an
   * erasure that fails halfway still finds them (through the transfers) when it is run again.
   */
  async erase(saverId: string, keepSortKeys: readonly string[] = []): Promise<number> {
    const markers: { PK: string; SK: string }[] = [];
    const doomed: { PK: string; SK: string }[] = [];
    const transfers = keys.transferPrefix(saverId).SKPrefix;
    for await (const item of this.items(saverId)) {
      const sk = String(item.SK);
      if (keepSortKeys.includes(sk)) continue;
      doomed.push({ PK: String(item.PK), SK: sk });
      if (sk.startsWith(transfers)) {
        markers.push(keys.openTransfer(saverId, sk.slice(transfers.length)));
      }
    }
    await this.deleteAll(markers);
    await this.deleteAll(doomed);
    return doomed.length;
  }

  private async deleteAll(doomed: readonly { PK: string; SK: string }[]): Promise<void> {
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
  }
}
