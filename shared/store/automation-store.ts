import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '#domain/calendar';
import type { EntryStatus } from '#domain/entries';
import { type Goal, GoalSchema } from '#domain/goals';
import type { Transaction } from '#domain/transaction';
import { isTerminalTransferStatus, TERMINAL_TRANSFER_STATUSES, type TransferStatus } from '#domain/transfers';
import type {
  AutomationStore,
  EntryRef,
  Notification,
  Page,
  StoredEntry,
  StoredTransaction,
  StoredTransfer,
  SyncState,
  TransferPatch,
} from './automation-records.ts';
import { conditionally } from './errors.ts';
import { type ItemKey, keys, SHARDS, ttlSeconds } from './keys.ts';
import { InvalidCursorError } from './saver-items.ts';

type Item = Record<string, unknown>;
type Key = Record<string, string>;

/** Attributes that only place an item in the table; never part of a record handed out. */
const PLACEMENT = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entity', 'saverId'] as const;
const TRANSFER_PATCH_FIELDS = [
  'status',
  'bankPaymentId',
  'claimedUntil',
  'signingUrl',
  'confirmBy',
  'failureReason',
] as const satisfies readonly (keyof TransferPatch)[];
/** How many items a cross-saver list returns per page. */
const SHARDED_PAGE_SIZE = 100;
const MAX_BATCH_ATTEMPTS = 8;

function without(item: Item, fields: readonly string[]): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !fields.includes(name)));
}

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('The cursor is not one we issued.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidCursorError('The cursor is not one we issued.');
  }
  return value as Record<string, unknown>;
}

/** Keeps exactly `names` from a decoded key, each a string; anything else is not a key we issued. */
function keyOf(value: unknown, names: readonly string[]): Key {
  if (typeof value !== 'object' || value === null)
    throw new InvalidCursorError('The cursor is not one we issued.');
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length !== names.length)
    throw new InvalidCursorError('The cursor is not one we issued.');
  const key: Key = {};
  for (const name of names) {
    const part = record[name];
    if (typeof part !== 'string') throw new InvalidCursorError('The cursor is not one we issued.');
    key[name] = part;
  }
  return key;
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));

const toSyncState = (item: Item): SyncState => ({
  saverId: item.saverId as string,
  status: item.status as SyncState['status'],
  consentExpiresAt: item.consentExpiresAt as string,
  tokenSecretId: item.tokenSecretId as string,
  sourceAccountId: (item.sourceAccountId as string | null | undefined) ?? null,
  savingsAccountId: (item.savingsAccountId as string | null | undefined) ?? null,
  watermark: (item.watermark as string | null | undefined) ?? null,
  calendarFrom: (item.calendarFrom as string | null | undefined) ?? null,
  nextSyncAt: (item.nextSyncAt as string | null | undefined) ?? null,
  unattendedReads: Array.isArray(item.unattendedReads) ? [...(item.unattendedReads as string[])] : [],
});

const toTransaction = (item: Item): StoredTransaction =>
  ({ ...without(item, PLACEMENT), removed: item.removed === true }) as StoredTransaction;

const toEntry = (item: Item): StoredEntry => without(item, PLACEMENT) as StoredEntry;

const toTransfer = (item: Item): StoredTransfer => without(item, PLACEMENT) as StoredTransfer;

const toNotification = (item: Item): Notification => ({
  id: item.id as string,
  kind: item.kind as Notification['kind'],
  title: item.title as string,
  body: item.body as string,
  link: (item.link as string | null | undefined) ?? null,
  createdAt: item.createdAt as string,
  readAt: (item.readAt as string | null | undefined) ?? null,
});

const GOAL_BOOKKEEPING = ['PK', 'SK', 'entity', 'saverId', 'version', 'creditedTransfers'] as const;
const toGoal = (item: Item): Goal => GoalSchema.parse(without(item, GOAL_BOOKKEEPING));

/**
 * The automation's storage in the single table (see keys.ts for the layout). Every racing write is a
 * single-item conditional write; no Scan, no transactions. The two cross-saver lists (savers due for a
 * sync, open transfers) are spread over `SHARDS` partitions.
 */
export class DynamoAutomationStore implements AutomationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // --- helpers ----------------------------------------------------------------------------------------

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async batchWrite(requests: readonly Item[]): Promise<void> {
    for (let start = 0; start < requests.length; start += 25) {
      let pending: Item[] | undefined = requests.slice(start, start + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
        if (attempt >= MAX_BATCH_ATTEMPTS) throw new Error('DynamoDB left batch writes unprocessed');
        if (attempt > 0) await pause(attempt);
        const result: BatchWriteCommandOutput = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as Item[] | undefined;
      }
    }
  }

  private async batchGet(keyList: readonly ItemKey[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < keyList.length; start += 100) {
      let pending: ItemKey[] | undefined = keyList.slice(start, start + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
        if (attempt >= MAX_BATCH_ATTEMPTS) throw new Error('DynamoDB left batch reads unprocessed');
        if (attempt > 0) await pause(attempt);
        const result: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        items.push(...((result.Responses?.[this.tableName] ?? []) as Item[]));
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys as ItemKey[] | undefined;
      }
    }
    return items;
  }

  /**
   * A page of one partition (base table or GSI1), newest first. The cursor is the last key, checked to
   * lie inside this very list before it is used.
   */
  private async partitionPage<T>(
    options: { cursor?: string; limit: number },
    list: {
      index?: 'GSI1';
      partition: string;
      /** Base-table keys of the listed items: their PK and SK prefix. */
      PK: string;
      SKPrefix: string;
    },
    map: (item: Item) => T,
  ): Promise<Page<T>> {
    const names = list.index ? ['PK', 'SK', 'GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
    let startKey: Key | undefined;
    if (options.cursor) {
      startKey = keyOf(decodeCursor(options.cursor), names);
      const inside =
        startKey.PK === list.PK &&
        startKey.SK?.startsWith(list.SKPrefix) &&
        (!list.index || startKey.GSI1PK === list.partition);
      if (!inside) throw new InvalidCursorError('The cursor is not one we issued.');
    }
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ...(list.index
          ? {
              IndexName: list.index,
              KeyConditionExpression: 'GSI1PK = :partition',
              ExpressionAttributeValues: { ':partition': list.partition },
            }
          : {
              KeyConditionExpression: 'PK = :partition AND begins_with(SK, :prefix)',
              ExpressionAttributeValues: { ':partition': list.partition, ':prefix': list.SKPrefix },
              ConsistentRead: true,
            }),
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const last = page.LastEvaluatedKey;
    return {
      items: ((page.Items ?? []) as Item[]).map(map),
      nextCursor: last ? encodeCursor(Object.fromEntries(names.map((name) => [name, last[name]]))) : null,
    };
  }

  /**
   * A page of a list spread over the shards, shard after shard. The cursor holds the shard and the last
   * key read in it.
   */
  private async shardedPage<T>(
    cursor: string | undefined,
    list: {
      keyNames: readonly string[];
      /** Whether a decoded key belongs to this list in `shard`. */
      belongs: (shard: number, key: Key) => boolean;
      query: (shard: number) => Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;
      map: (item: Item) => T;
    },
  ): Promise<Page<T>> {
    let shard = 0;
    let startKey: Key | undefined;
    if (cursor) {
      const decoded = decodeCursor(cursor);
      const { s, k } = decoded;
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= SHARDS) {
        throw new InvalidCursorError('The cursor is not one we issued.');
      }
      shard = s;
      if (k !== undefined) {
        startKey = keyOf(k, list.keyNames);
        if (!list.belongs(shard, startKey)) throw new InvalidCursorError('The cursor is not one we issued.');
      }
    }
    const items: T[] = [];
    while (shard < SHARDS && items.length < SHARDED_PAGE_SIZE) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...list.query(shard),
          Limit: SHARDED_PAGE_SIZE - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as Item[]).map(list.map));
      const last = page.LastEvaluatedKey;
      if (last) {
        startKey = Object.fromEntries(list.keyNames.map((name) => [name, String(last[name])]));
      } else {
        shard += 1;
        startKey = undefined;
      }
    }
    return {
      items,
      nextCursor: shard < SHARDS ? encodeCursor(startKey ? { s: shard, k: startKey } : { s: shard }) : null,
    };
  }

  /** An update of the bank connection that only applies while the connection exists. */
  private async updateConnection(
    saverId: string,
    update: { expression: string; names: Record<string, string>; values?: Item; condition?: string },
  ): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.bankConnection(saverId),
          UpdateExpression: update.expression,
          ConditionExpression: `attribute_exists(PK)${update.condition ? ` AND ${update.condition}` : ''}`,
          ExpressionAttributeNames: update.names,
          ...(update.values && Object.keys(update.values).length > 0
            ? { ExpressionAttributeValues: update.values }
            : {}),
        }),
      ),
    );
  }

  // --- sync scheduling and state ---------------------------------------------------------------------

  async syncState(saverId: string): Promise<SyncState | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.bankConnection(saverId), ConsistentRead: true }),
    );
    return item ? toSyncState(item) : undefined;
  }

  async dueForSync(now: Date, limit: number): Promise<{ saverId: string; nextSyncAt: string }[]> {
    if (limit <= 0) return [];
    const upTo = keys.syncDueUpTo(now.toISOString());
    const perShard = await Promise.all(
      Array.from({ length: SHARDS }, async (_, shard) => {
        const due: { saverId: string; nextSyncAt: string; sortKey: string }[] = [];
        let startKey: Item | undefined;
        do {
          const page = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :shard AND GSI1SK <= :upTo',
              FilterExpression: '#status = :linked',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':shard': keys.syncDueShard(shard),
                ':upTo': upTo,
                ':linked': 'linked',
              },
              ScanIndexForward: true,
              Limit: limit,
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) {
            due.push({
              saverId: item.saverId as string,
              nextSyncAt: item.nextSyncAt as string,
              sortKey: item.GSI1SK as string,
            });
          }
          startKey = page.LastEvaluatedKey;
        } while (startKey && due.length < limit);
        return due;
      }),
    );
    return perShard
      .flat()
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
      .slice(0, limit)
      .map(({ saverId, nextSyncAt }) => ({ saverId, nextSyncAt }));
  }

  async linkedSavers(cursor?: string): Promise<Page<string>> {
    return this.shardedPage(cursor, {
      keyNames: ['PK', 'SK', 'GSI1PK', 'GSI1SK'],
      belongs: (shard, key) =>
        key.GSI1PK === keys.syncDueShard(shard) && key.PK?.startsWith('SAVER#') === true && key.SK === 'BANK',
      query: (shard) => ({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :shard',
        FilterExpression: '#status = :linked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':shard': keys.syncDueShard(shard), ':linked': 'linked' },
      }),
      map: (item) => item.saverId as string,
    });
  }

  async rescheduleSync(saverId: string, expected: string | null, next: string | null): Promise<boolean> {
    const names: Record<string, string> = { '#next': 'nextSyncAt', '#gpk': 'GSI1PK', '#gsk': 'GSI1SK' };
    const values: Item = {};
    const conditions: string[] = [];
    if (expected === null) {
      conditions.push('attribute_not_exists(#next)');
    } else {
      conditions.push('#next = :expected');
      values[':expected'] = expected;
    }
    let expression: string;
    if (next === null) {
      expression = 'REMOVE #next, #gpk, #gsk';
    } else {
      const index = keys.syncDueIndex(saverId, next);
      expression = 'SET #next = :next, #gpk = :gpk, #gsk = :gsk';
      Object.assign(values, {
        ':next': next,
        ':gpk': index.GSI1PK,
        ':gsk': index.GSI1SK,
        ':linked': 'linked',
      });
      names['#status'] = 'status';
      conditions.push('#status = :linked');
    }
    return this.updateConnection(saverId, { expression, names, values, condition: conditions.join(' AND ') });
  }

  async recordUnattendedReads(saverId: string, reads: string[]): Promise<void> {
    await this.updateConnection(saverId, {
      expression: 'SET #reads = :reads',
      names: { '#reads': 'unattendedReads' },
      values: { ':reads': [...reads] },
    });
  }

  async saveSyncProgress(
    saverId: string,
    progress: { watermark?: LocalDate; calendarFrom?: LocalDate },
  ): Promise<void> {
    const sets: string[] = [];
    const names: Record<string, string> = {};
    const values: Item = {};
    for (const field of ['watermark', 'calendarFrom'] as const) {
      const value = progress[field];
      if (value === undefined) continue;
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    if (sets.length === 0) return;
    await this.updateConnection(saverId, { expression: `SET ${sets.join(', ')}`, names, values });
  }

  async markNeedsConsent(saverId: string): Promise<void> {
    await this.updateConnection(saverId, {
      expression: 'SET #status = :needsConsent REMOVE #next, #gpk, #gsk',
      names: { '#status': 'status', '#next': 'nextSyncAt', '#gpk': 'GSI1PK', '#gsk': 'GSI1SK' },
      values: { ':needsConsent': 'needs-consent' },
    });
  }

  // --- the per-saver run lease -----------------------------------------------------------------------

  async acquireLease(saverId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.syncLease(saverId),
            entity: 'sync-lease',
            saverId,
            owner,
            leaseUntil: until.toISOString(),
            expiresAt: ttlSeconds(until),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'leaseUntil' },
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      ),
    );
  }

  async releaseLease(saverId: string, owner: string): Promise<void> {
    await conditionally(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.syncLease(saverId),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  // --- transactions ----------------------------------------------------------------------------------

  async upsertTransactions(
    saverId: string,
    transactions: readonly Transaction[],
    seenAt: string,
  ): Promise<void> {
    // One page may list a transaction twice; a batch may not hold one key twice. The last one wins.
    const byKey = new Map<string, Item>();
    for (const transaction of transactions) {
      const key = keys.transaction(saverId, transaction.bookingDate, transaction.id);
      byKey.set(key.SK, {
        PutRequest: {
          Item: { ...key, entity: 'transaction', saverId, ...transaction, seenAt, removed: false },
        },
      });
    }
    await this.batchWrite([...byKey.values()]);
  }

  async transactionsSince(saverId: string, fromDate: LocalDate): Promise<StoredTransaction[]> {
    const range = keys.transactionsFrom(saverId, fromDate);
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': range.PK, ':from': range.from, ':to': range.to },
      ConsistentRead: true,
    });
    return items.map(toTransaction);
  }

  async markTransactionsRemoved(
    saverId: string,
    transactions: readonly Pick<Transaction, 'id' | 'bookingDate'>[],
  ): Promise<void> {
    for (const transaction of transactions) {
      await conditionally(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.transaction(saverId, transaction.bookingDate, transaction.id),
            UpdateExpression: 'SET #removed = :true',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#removed': 'removed' },
            ExpressionAttributeValues: { ':true': true },
          }),
        ),
      );
    }
  }

  // --- savings entries -------------------------------------------------------------------------------

  async putEntryIfAbsent(saverId: string, entry: StoredEntry): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.entry(saverId, entry.trigger.date, entry.id),
            entity: 'savings-entry',
            saverId,
            ...entry,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async entriesSince(saverId: string, fromDate: LocalDate): Promise<StoredEntry[]> {
    const range = keys.entriesFrom(saverId, fromDate);
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': range.PK, ':from': range.from, ':to': range.to },
      ConsistentRead: true,
    });
    return items.map(toEntry);
  }

  async getEntries(saverId: string, refs: readonly EntryRef[]): Promise<StoredEntry[]> {
    const wanted = new Map<string, ItemKey>();
    for (const ref of refs) {
      const key = keys.entry(saverId, ref.date, ref.id);
      wanted.set(key.SK, key);
    }
    const found = new Map(
      (await this.batchGet([...wanted.values()])).map((item) => [item.SK as string, item]),
    );
    // In the order asked for; missing entries are left out.
    return [...wanted.keys()].flatMap((sk) => {
      const item = found.get(sk);
      return item ? [toEntry(item)] : [];
    });
  }

  async updateEntry(
    saverId: string,
    ref: EntryRef,
    from: readonly EntryStatus[],
    patch: { status: EntryStatus; transferId?: string | null; attempt?: number },
  ): Promise<boolean> {
    if (from.length === 0) return false;
    const sets = ['#status = :to'];
    const names: Record<string, string> = { '#status': 'status' };
    const values: Item = { ':to': patch.status };
    if (patch.transferId !== undefined) {
      sets.push('#transferId = :transferId');
      names['#transferId'] = 'transferId';
      values[':transferId'] = patch.transferId;
    }
    if (patch.attempt !== undefined) {
      sets.push('#attempt = :attempt');
      names['#attempt'] = 'attempt';
      values[':attempt'] = patch.attempt;
    }
    const fromValues = from.map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    let attemptCondition = '';
    if (ref.attempt !== undefined) {
      names['#attempt'] = 'attempt';
      values[':expectedAttempt'] = ref.attempt;
      attemptCondition = ' AND #attempt = :expectedAttempt';
    }
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.entry(saverId, ref.date, ref.id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(PK) AND #status IN (${fromValues.join(', ')})${attemptCondition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async listEntries(
    saverId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<StoredEntry>> {
    const { PK, SKPrefix } = keys.entryPrefix(saverId);
    return this.partitionPage(options, { partition: PK, PK, SKPrefix }, toEntry);
  }

  // --- transfers -------------------------------------------------------------------------------------

  async createTransfer(saverId: string, transfer: StoredTransfer): Promise<boolean> {
    const open = !isTerminalTransferStatus(transfer.status);
    // The marker goes first: a crash between the two writes leaves a marker without a transfer (the
    // reconciler forgets it), never an open transfer nobody reconciles.
    if (open) await this.putMarker(saverId, transfer.id);
    const created = await conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.transfer(saverId, transfer.id),
            ...keys.transferIndex(saverId, transfer.createdAt, transfer.id),
            entity: 'transfer',
            saverId,
            ...transfer,
            version: 1,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    if (!created && open) {
      // A retry of a transfer that has settled since must not bring its marker back.
      const existing = await this.getTransfer(saverId, transfer.id);
      if (existing && isTerminalTransferStatus(existing.status))
        await this.deleteMarker(saverId, transfer.id);
    }
    return created;
  }

  private async putMarker(saverId: string, transferId: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.openTransfer(saverId, transferId),
          entity: 'open-transfer',
          saverId,
          transferId,
        },
      }),
    );
  }

  private async deleteMarker(saverId: string, transferId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.openTransfer(saverId, transferId),
      }),
    );
  }

  async getTransfer(saverId: string, transferId: string): Promise<StoredTransfer | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.transfer(saverId, transferId),
        ConsistentRead: true,
      }),
    );
    return item ? toTransfer(item) : undefined;
  }

  async openTransfers(saverId: string): Promise<StoredTransfer[]> {
    const { PK, SKPrefix } = keys.transferPrefix(saverId);
    const terminal = Object.fromEntries(
      TERMINAL_TRANSFER_STATUSES.map((status, index) => [`:t${index}`, status]),
    );
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: `NOT (#status IN (${Object.keys(terminal).join(', ')}))`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix, ...terminal },
      ConsistentRead: true,
    });
    return items.map(toTransfer);
  }

  async allOpenTransfers(cursor?: string): Promise<Page<{ saverId: string; transferId: string }>> {
    return this.shardedPage(cursor, {
      keyNames: ['PK', 'SK'],
      belongs: (shard, key) => key.PK === keys.openTransfersShard(shard) && key.SK !== undefined,
      query: (shard) => ({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.openTransfersShard(shard) },
        ConsistentRead: true,
      }),
      map: (item) => keys.ofOpenTransfer(item.SK as string),
    });
  }

  async forgetOpenTransfer(saverId: string, transferId: string): Promise<void> {
    await this.deleteMarker(saverId, transferId);
    // A transfer created meanwhile (its marker was written just before the delete) gets it back.
    const transfer = await this.getTransfer(saverId, transferId);
    if (transfer && !isTerminalTransferStatus(transfer.status)) {
      await this.putMarker(saverId, transferId);
    }
  }

  async transitionTransfer(
    saverId: string,
    transferId: string,
    expected: { status: TransferStatus; version: number },
    patch: TransferPatch,
    at: string,
  ): Promise<StoredTransfer | undefined> {
    const sets = ['#updatedAt = :at', '#version = #version + :one'];
    const names: Record<string, string> = {
      '#status': 'status',
      '#version': 'version',
      '#updatedAt': 'updatedAt',
    };
    const values: Item = {
      ':at': at,
      ':one': 1,
      ':expectedStatus': expected.status,
      ':expectedVersion': expected.version,
    };
    for (const field of TRANSFER_PATCH_FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    let attributes: Item | undefined;
    try {
      ({ Attributes: attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.transfer(saverId, transferId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression:
            'attribute_exists(PK) AND #status = :expectedStatus AND #version = :expectedVersion',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    if (!attributes) return undefined;
    const transfer = toTransfer(attributes);
    if (isTerminalTransferStatus(transfer.status)) await this.deleteMarker(saverId, transferId);
    return transfer;
  }

  async listTransfers(
    saverId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<StoredTransfer>> {
    const { PK, SKPrefix } = keys.transferPrefix(saverId);
    return this.partitionPage(
      options,
      { index: 'GSI1', partition: keys.transferIndexPartition(saverId), PK, SKPrefix },
      toTransfer,
    );
  }

  // --- goals -----------------------------------------------------------------------------------------

  async creditGoal(
    saverId: string,
    goalId: string,
    transferId: string,
    amountMinor: number,
  ): Promise<Goal | undefined> {
    if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new Error('Invalid credit amount');
    const key = keys.saverItem(saverId, 'GOAL', goalId);
    let credited: Item | undefined;
    try {
      ({ Attributes: credited } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD #saved :amount, #version :one, #credited :transferIds',
          ConditionExpression: 'attribute_exists(PK) AND NOT contains(#credited, :transferId)',
          ExpressionAttributeNames: {
            '#saved': 'savedMinor',
            '#version': 'version',
            '#credited': 'creditedTransfers',
          },
          ExpressionAttributeValues: {
            ':amount': amountMinor,
            ':one': 1,
            ':transferIds': new Set([transferId]),
            ':transferId': transferId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    if (!credited) return undefined;
    if (credited.status !== 'active' || Number(credited.savedMinor) < Number(credited.targetMinor)) {
      return toGoal(credited);
    }
    try {
      const { Attributes: reached } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #status = :reached ADD #version :one',
          ConditionExpression: 'attribute_exists(PK) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':reached': 'reached', ':active': 'active', ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return reached ? toGoal(reached) : toGoal(credited);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The goal changed in between (archived, reached by another credit, deleted): show it as it is.
      const { Item: now } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      return toGoal(now ?? credited);
    }
  }

  // --- notifications ---------------------------------------------------------------------------------

  async notify(saverId: string, notification: Notification): Promise<boolean> {
    const { readAt, ...rest } = notification;
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.notification(saverId, notification.id),
            ...keys.notificationIndex(saverId, notification.createdAt, notification.id),
            entity: 'notification',
            saverId,
            ...rest,
            // Unread notifications have no readAt at all, so counting them is a plain filter.
            ...(readAt ? { readAt } : {}),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async listNotifications(
    saverId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<Notification>> {
    const { PK, SKPrefix } = keys.notificationPrefix(saverId);
    return this.partitionPage(
      options,
      { index: 'GSI1', partition: keys.notificationIndexPartition(saverId), PK, SKPrefix },
      toNotification,
    );
  }

  async unreadNotifications(saverId: string): Promise<number> {
    const { PK, SKPrefix } = keys.notificationPrefix(saverId);
    let count = 0;
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          FilterExpression: 'attribute_not_exists(#readAt)',
          ExpressionAttributeNames: { '#readAt': 'readAt' },
          ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  async markNotificationsRead(saverId: string, ids: readonly string[], at: string): Promise<void> {
    await Promise.all(
      [...new Set(ids)].map((id) =>
        conditionally(() =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: keys.notification(saverId, id),
              UpdateExpression: 'SET #readAt = :at',
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#readAt)',
              ExpressionAttributeNames: { '#readAt': 'readAt' },
              ExpressionAttributeValues: { ':at': at },
            }),
          ),
        ),
      ),
    );
  }
}
