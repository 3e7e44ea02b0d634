import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionally } from './errors.ts';
import { keys, ttlSeconds } from './keys.ts';

export type ConnectionStatus = 'linked' | 'needs-consent' | 'revoked';

export interface BankConnectionRecord {
  saverId: string;
  status: ConnectionStatus;
  consentExpiresAt: string;
  /** Secrets Manager secret holding this consent's tokens. */
  tokenSecretId: string;
  linkedAt: string;
  sourceAccountId: string | null;
  savingsAccountId: string | null;
}

export interface StoredBankAccount {
  id: string;
  name: string;
  type: 'current' | 'savings';
  currency: string;
  number: string;
  availableMinor: number;
  bookedMinor: number;
  updatedAt: string;
}

/** Bank links, connections and accounts of savers in the single table. */
export class BankRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putLinkState(stateHash: string, saverId: string, expiresAt: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.bankLinkState(stateHash),
          entity: 'bank-link',
          saverId,
          validUntil: expiresAt.toISOString(),
          expiresAt: ttlSeconds(expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** Marks the state used and returns its saver, once: a replayed or expired state yields undefined. */
  async consumeLinkState(stateHash: string, now: Date): Promise<string | undefined> {
    try {
      const { Attributes: attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.bankLinkState(stateHash),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt) AND validUntil > :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return attributes?.saverId as string | undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Writes the connection's own fields and leaves the automation's sync bookkeeping on the item
   * (watermark, calendar position, unattended reads), so a re-link continues where sync stopped. A
   * linked connection is scheduled for a sync at once (`nextSyncAt = linkedAt`, in the sparse sync
   * index); any other status takes it out of the schedule.
   */
  async putConnection(connection: BankConnectionRecord): Promise<void> {
    const fields: Record<string, unknown> = {
      entity: 'bank-connection',
      saverId: connection.saverId,
      status: connection.status,
      consentExpiresAt: connection.consentExpiresAt,
      tokenSecretId: connection.tokenSecretId,
      linkedAt: connection.linkedAt,
      sourceAccountId: connection.sourceAccountId,
      savingsAccountId: connection.savingsAccountId,
    };
    const scheduled = connection.status === 'linked';
    if (scheduled) {
      Object.assign(fields, {
        nextSyncAt: connection.linkedAt,
        ...keys.syncDueIndex(connection.saverId, connection.linkedAt),
      });
    }
    const names = Object.keys(fields);
    const set = names.map((_name, index) => `#f${index} = :f${index}`).join(', ');
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.bankConnection(connection.saverId),
        UpdateExpression: `SET ${set}${scheduled ? '' : ' REMOVE #next, #gpk, #gsk'}`,
        ExpressionAttributeNames: {
          ...Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
          ...(scheduled ? {} : { '#next': 'nextSyncAt', '#gpk': 'GSI1PK', '#gsk': 'GSI1SK' }),
        },
        ExpressionAttributeValues: Object.fromEntries(
          names.map((name, index) => [`:f${index}`, fields[name]]),
        ),
      }),
    );
  }

  async getConnection(saverId: string): Promise<BankConnectionRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.bankConnection(saverId), ConsistentRead: true }),
    );
    if (!item) return undefined;
    return {
      saverId: item.saverId,
      status: item.status,
      consentExpiresAt: item.consentExpiresAt,
      tokenSecretId: item.tokenSecretId,
      linkedAt: item.linkedAt,
      sourceAccountId: item.sourceAccountId ?? null,
      savingsAccountId: item.savingsAccountId ?? null,
    };
  }

  /** Sets the saver's account choice, only while the connection exists. */
  async chooseAccounts(saverId: string, sourceAccountId: string, savingsAccountId: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.bankConnection(saverId),
          UpdateExpression: 'SET sourceAccountId = :source, savingsAccountId = :savings',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':source': sourceAccountId, ':savings': savingsAccountId },
        }),
      ),
    );
  }

  async deleteConnection(saverId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.bankConnection(saverId) }),
    );
  }

  async putAccounts(saverId: string, accounts: readonly StoredBankAccount[]): Promise<void> {
    for (let start = 0; start < accounts.length; start += 25) {
      const requests = accounts.slice(start, start + 25).map((account) => ({
        PutRequest: {
          Item: { ...keys.bankAccount(saverId, account.id), entity: 'bank-account', saverId, ...account },
        },
      }));
      let unprocessed: Record<string, unknown[]> | undefined = { [this.tableName]: requests };
      for (let attempt = 0; unprocessed && Object.keys(unprocessed).length > 0 && attempt < 5; attempt += 1) {
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: unprocessed as never }));
        unprocessed = result.UnprocessedItems as Record<string, unknown[]> | undefined;
      }
      if (unprocessed && Object.keys(unprocessed).length > 0)
        throw new Error('Could not store all bank accounts');
    }
  }

  async listAccounts(saverId: string): Promise<StoredBankAccount[]> {
    const { PK, SKPrefix } = keys.bankAccountPrefix(saverId);
    const { Items: items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
        ConsistentRead: true,
      }),
    );
    return items.map((item) => ({
      id: item.id,
      name: item.name,
      type: item.type,
      currency: item.currency,
      number: item.number,
      availableMinor: item.availableMinor,
      bookedMinor: item.bookedMinor,
      updatedAt: item.updatedAt,
    }));
  }

  async deleteAccounts(saverId: string): Promise<void> {
    for (const account of await this.listAccounts(saverId)) {
      await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: keys.bankAccount(saverId, account.id) }),
      );
    }
  }
}
