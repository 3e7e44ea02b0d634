import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  FamilyRevocationReason,
  RefreshFamilyRecord,
  RefreshSessionStore,
  RefreshTokenRecord,
} from '#auth/refresh-sessions';
import { conditionally } from './errors.ts';
import { keys, ttlSeconds } from './keys.ts';

const iso = (date: Date) => date.toISOString();
const optionalDate = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);

/** Refresh sessions in the single table: single-item conditional writes, strongly consistent reads. */
export class DynamoRefreshSessionStore implements RefreshSessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createFamily(family: RefreshFamilyRecord): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.refreshFamily(family.subject, family.familyId),
            entity: 'refresh-family',
            familyId: family.familyId,
            subject: family.subject,
            createdAt: iso(family.createdAt),
            absoluteExpiresAt: iso(family.absoluteExpiresAt),
            expiresAt: ttlSeconds(family.absoluteExpiresAt),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async getFamily(subject: string, familyId: string): Promise<RefreshFamilyRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.refreshFamily(subject, familyId),
        ConsistentRead: true,
      }),
    );
    if (!item) return undefined;
    const revokedAt = optionalDate(item.revokedAt);
    return {
      familyId: item.familyId,
      subject: item.subject,
      createdAt: new Date(item.createdAt),
      absoluteExpiresAt: new Date(item.absoluteExpiresAt),
      ...(revokedAt ? { revokedAt, revocationReason: item.revocationReason as FamilyRevocationReason } : {}),
    };
  }

  async revokeFamily(
    subject: string,
    familyId: string,
    revokedAt: Date,
    reason: FamilyRevocationReason,
  ): Promise<void> {
    await conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.refreshFamily(subject, familyId),
          UpdateExpression: 'SET revokedAt = :at, revocationReason = :reason',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': iso(revokedAt), ':reason': reason },
        }),
      ),
    );
  }

  async listFamilyIds(subject: string): Promise<string[]> {
    const { PK, SKPrefix } = keys.refreshFamilyPrefix(subject);
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
          ProjectionExpression: 'familyId',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(item.familyId as string);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }

  async putToken(token: RefreshTokenRecord): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.refreshToken(token.tokenHash),
            entity: 'refresh-token',
            tokenHash: token.tokenHash,
            familyId: token.familyId,
            subject: token.subject,
            issuedAt: iso(token.issuedAt),
            idleExpiresAt: iso(token.expiresAt),
            retainUntil: iso(token.retainUntil),
            expiresAt: ttlSeconds(token.retainUntil),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async getTokenByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.refreshToken(tokenHash), ConsistentRead: true }),
    );
    if (!item) return undefined;
    const rotatedAt = optionalDate(item.rotatedAt);
    return {
      tokenHash: item.tokenHash,
      familyId: item.familyId,
      subject: item.subject,
      issuedAt: new Date(item.issuedAt),
      expiresAt: new Date(item.idleExpiresAt),
      retainUntil: new Date(item.retainUntil),
      ...(rotatedAt ? { rotatedAt, replacedByHash: item.replacedByHash as string } : {}),
    };
  }

  async markTokenRotated(
    tokenHash: string,
    rotation: { rotatedAt: Date; replacedByHash: string },
  ): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.refreshToken(tokenHash),
          UpdateExpression: 'SET rotatedAt = :at, replacedByHash = :next',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(rotatedAt)',
          ExpressionAttributeValues: { ':at': iso(rotation.rotatedAt), ':next': rotation.replacedByHash },
        }),
      ),
    );
  }
}
