import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ThrottleStore } from '#auth/login-throttle';
import { conditionally } from './errors.ts';
import { keys, ttlSeconds } from './keys.ts';

/**
 * Login-throttle counters and locks in the single table, so they hold across Lambda instances.
 * DynamoDB deletes expired items lazily (and dynalite never), so reads ignore items past expiresAt.
 */
export class DynamoThrottleStore implements ThrottleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.throttle(key), ConsistentRead: true }),
    );
    if (!item) return undefined;
    const expiresAt = typeof item.expiresAt === 'number' ? item.expiresAt : 0;
    return expiresAt * 1000 <= this.now().getTime() ? undefined : item;
  }

  async increment(key: string, expiresAt: Date): Promise<number> {
    const { Attributes: attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.throttle(key),
        UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
        ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': ttlSeconds(expiresAt) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(attributes?.count ?? 1);
  }

  async getCount(key: string): Promise<number> {
    const item = await this.read(key);
    return typeof item?.count === 'number' ? item.count : 0;
  }

  async getLockedUntil(key: string): Promise<Date | undefined> {
    const item = await this.read(key);
    return typeof item?.lockedUntil === 'string' ? new Date(item.lockedUntil) : undefined;
  }

  async raiseLock(key: string, until: Date): Promise<void> {
    await conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.throttle(key),
          UpdateExpression: 'SET #lockedUntil = :until, #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#lockedUntil) OR #lockedUntil < :until',
          ExpressionAttributeNames: { '#lockedUntil': 'lockedUntil', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':until': until.toISOString(), ':expiresAt': ttlSeconds(until) },
        }),
      ),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.throttle(key) }));
  }
}
