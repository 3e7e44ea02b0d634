import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type SaverSettings, SaverSettingsSchema } from '#domain/settings';
import { conditionally } from './errors.ts';
import { keys } from './keys.ts';

export interface LoginRecord {
  email: string;
  saverId: string;
  passwordHash: string;
  createdAt: string;
}

export interface SaverProfile {
  saverId: string;
  settings: SaverSettings;
  createdAt: string;
  updatedAt: string;
  /** Access tokens issued before this second are refused (log out everywhere). */
  sessionsNotBefore?: string;
}

/**
 * Savers: the login item (keyed by email, so sign-up claims an email with one conditional put and
 * login needs one read) and the profile with the saver's settings.
 */
export class SaverRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Claims the email; false when another saver has it. */
  async createLogin(login: LoginRecord): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.login(login.email), entity: 'login', ...login },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async getLogin(email: string): Promise<LoginRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.login(email), ConsistentRead: true }),
    );
    if (!item) return undefined;
    return {
      email: item.email,
      saverId: item.saverId,
      passwordHash: item.passwordHash,
      createdAt: item.createdAt,
    };
  }

  /** Replaces the hash only for the same saver (a re-hash after login with stronger parameters). */
  async updatePasswordHash(email: string, saverId: string, passwordHash: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.login(email),
          UpdateExpression: 'SET passwordHash = :hash',
          ConditionExpression: 'saverId = :saverId',
          ExpressionAttributeValues: { ':hash': passwordHash, ':saverId': saverId },
        }),
      ),
    );
  }

  /** Creates the profile unless it exists (so a retried sign-up keeps the first one). */
  async createProfile(profile: SaverProfile): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.saverProfile(profile.saverId), entity: 'saver', ...profile },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async getProfile(saverId: string): Promise<SaverProfile | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.saverProfile(saverId), ConsistentRead: true }),
    );
    if (!item) return undefined;
    return {
      saverId: item.saverId,
      settings: SaverSettingsSchema.parse(item.settings),
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      ...(item.sessionsNotBefore ? { sessionsNotBefore: item.sessionsNotBefore } : {}),
    };
  }

  /** Replaces the settings of an existing profile. */
  async updateSettings(saverId: string, settings: SaverSettings, updatedAt: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.saverProfile(saverId),
          UpdateExpression: 'SET settings = :settings, updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':settings': settings, ':at': updatedAt },
        }),
      ),
    );
  }

  /** From now on, access tokens issued before `at` are refused. */
  async endSessionsBefore(saverId: string, at: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.saverProfile(saverId),
          UpdateExpression: 'SET sessionsNotBefore = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }

  async deleteLogin(email: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.login(email) }));
  }

  async deleteProfile(saverId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.saverProfile(saverId) }));
  }
}
