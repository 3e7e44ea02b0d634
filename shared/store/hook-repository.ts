import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.ts';

export interface HabitHook {
  hookId: string;
  saverId: string;
  habitId: string;
  /** SHA-256 of the hook's secret; the secret itself is shown once and never stored. */
  secretHash: string;
}

/** Personal webhooks: looked up by their unguessable id, outside any saver partition. */
export class HookRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(hook: HabitHook): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.habitHook(hook.hookId), entity: 'habit-hook', ...hook },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(hookId: string): Promise<HabitHook | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.habitHook(hookId), ConsistentRead: true }),
    );
    return item
      ? { hookId: item.hookId, saverId: item.saverId, habitId: item.habitId, secretHash: item.secretHash }
      : undefined;
  }

  async delete(hookId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.habitHook(hookId) }));
  }
}
