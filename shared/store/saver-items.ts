import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { conditionally } from './errors.ts';
import { keys, type SaverItemKind } from './keys.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {}

const KEY_FIELDS = ['PK', 'SK', 'entity', 'saverId', 'version', 'creditedTransfers'] as const;
/** Bookkeeping others keep on an item (the automation's goal credits) that a replace must carry over. */
const CARRIED_FIELDS = ['creditedTransfers'] as const;

/**
 * One kind of thing a saver owns (goals, rules, habits), kept in the saver's partition and validated
 * with its domain schema on the way out, so a corrupt item is an error rather than a wrong answer.
 * Writes carry a version for optimistic concurrency: two tabs editing one goal cannot lose an edit.
 */
export class SaverItems<S extends z.ZodType<{ id: string }>> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly kind: SaverItemKind,
    private readonly schema: S,
  ) {}

  private fromItem(item: Record<string, unknown>): z.output<S> & { version: number } {
    const data = Object.fromEntries(
      Object.entries(item).filter(([name]) => !(KEY_FIELDS as readonly string[]).includes(name)),
    );
    return { ...this.schema.parse(data), version: Number(item.version ?? 0) };
  }

  private toItem(saverId: string, value: z.output<S>, version: number) {
    return { ...keys.saverItem(saverId, this.kind, value.id), entity: this.kind, saverId, version, ...value };
  }

  /** Creates the item; false if one with this id exists. */
  async create(saverId: string, value: z.output<S>): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(saverId, value, 1),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  /** Replaces the item only if it is still at `expectedVersion`; false otherwise (changed or gone). */
  async replace(saverId: string, value: z.output<S>, expectedVersion: number): Promise<boolean> {
    // Read first so bookkeeping kept on the item (which this schema does not know) survives the whole-
    // item put. Every such write bumps the version, so the conditional put fails if it changed since.
    const { Item: current } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.saverItem(saverId, this.kind, value.id),
        ConsistentRead: true,
      }),
    );
    if (!current || Number(current.version ?? 0) !== expectedVersion) return false;
    const carried = Object.fromEntries(
      CARRIED_FIELDS.filter((name) => current[name] !== undefined).map((name) => [name, current[name]]),
    );
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.toItem(saverId, value, expectedVersion + 1), ...carried },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      ),
    );
  }

  async get(saverId: string, id: string): Promise<(z.output<S> & { version: number }) | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.saverItem(saverId, this.kind, id),
        ConsistentRead: true,
      }),
    );
    return item ? this.fromItem(item) : undefined;
  }

  /** A page of the saver's items in id order; the cursor is opaque to clients and checked on return. */
  async list(saverId: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<z.output<S>>> {
    const { PK, SKPrefix } = keys.saverItemPrefix(saverId, this.kind);
    let startKey: Record<string, string> | undefined;
    if (options.cursor) {
      try {
        startKey = JSON.parse(Buffer.from(options.cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError('The cursor is not one we issued.');
      }
      // A cursor names a key; it must be inside this saver's own list.
      if (startKey?.PK !== PK || typeof startKey.SK !== 'string' || !startKey.SK.startsWith(SKPrefix)) {
        throw new InvalidCursorError('The cursor is not one we issued.');
      }
      startKey = { PK: startKey.PK, SK: startKey.SK };
    }
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
        ConsistentRead: true,
        Limit: options.limit ?? 100,
        ExclusiveStartKey: startKey,
      }),
    );
    const last = page.LastEvaluatedKey;
    return {
      items: (page.Items ?? []).map((item) => {
        const { version: _version, ...value } = this.fromItem(item);
        return value as z.output<S>;
      }),
      nextCursor: last
        ? Buffer.from(JSON.stringify({ PK: last.PK, SK: last.SK })).toString('base64url')
        : null,
    };
  }

  /** Items whose id starts with `idPrefix`, newest (highest id) first when asked: e.g. one habit's log. */
  async listByIdPrefix(
    saverId: string,
    idPrefix: string,
    options: { limit: number; newestFirst?: boolean },
  ): Promise<z.output<S>[]> {
    const { PK, SKPrefix } = keys.saverItemPrefix(saverId, this.kind);
    const { Items: items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': `${SKPrefix}${idPrefix}` },
        ConsistentRead: true,
        ScanIndexForward: !options.newestFirst,
        Limit: options.limit,
      }),
    );
    return items.map((item) => {
      const { version: _version, ...value } = this.fromItem(item);
      return value as z.output<S>;
    });
  }

  /** Every item of this kind (for use cases that need the whole set, e.g. rule checks). */
  async all(saverId: string): Promise<z.output<S>[]> {
    const items: z.output<S>[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(saverId, { ...(cursor ? { cursor } : {}), limit: 500 });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  async delete(saverId: string, id: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.saverItem(saverId, this.kind, id),
          ConditionExpression: 'attribute_exists(PK)',
        }),
      ),
    );
  }
}
