import { createHash, randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  createAwsJsonServer,
  listen,
  type RunningServer,
  requireString,
} from './aws-json-server.ts';
import { readJsonFile, writeJsonFile } from './json-file.ts';

interface StoredMessage {
  messageId: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

interface StoredQueue {
  name: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  messages: StoredMessage[];
}

const ACCOUNT_ID = '000000000000';
const REGION = 'eu-north-1';
const MAX_LONG_POLL_SECONDS = 20;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;

function integerAttribute(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new AwsServiceError(
      'InvalidAttributeValue',
      `Invalid value for the parameter ${field}.`,
      400,
      'InvalidAttributeValue',
    );
  }
  return number;
}

/**
 * An SQS stand-in for the operations Sparegris uses: standard queues with visibility timeouts,
 * receive counts, long polling and redrive to a dead-letter queue, persisted as JSON.
 */
export class LocalSqs {
  private readonly queues: Map<string, StoredQueue>;
  private readonly waiters = new Set<() => void>();
  private baseUrl = 'http://127.0.0.1';

  constructor(
    private readonly file: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    const stored = file ? readJsonFile<StoredQueue[]>(file, []) : [];
    this.queues = new Map(stored.map((queue) => [queue.name, queue]));
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  private persist(): void {
    if (this.file) writeJsonFile(this.file, [...this.queues.values()]);
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Wakes long polls and closes them: used on shutdown. */
  releaseWaiters(): void {
    this.wake();
  }

  private queueUrl(name: string): string {
    return `${this.baseUrl}/${ACCOUNT_ID}/${name}`;
  }

  private queueFromUrl(input: Record<string, unknown>): StoredQueue {
    const url = requireString(input, 'QueueUrl');
    const name = url.split('/').at(-1) ?? '';
    const queue = this.queues.get(name);
    if (queue === undefined) {
      throw new AwsServiceError(
        'QueueDoesNotExist',
        'The specified queue does not exist.',
        400,
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    }
    return queue;
  }

  private dropExpired(queue: StoredQueue): void {
    const cutoff = this.now() - queue.retentionSeconds * 1000;
    queue.messages = queue.messages.filter((message) => message.sentAt >= cutoff);
  }

  private enqueue(queue: StoredQueue, body: string, delaySeconds: number): StoredMessage {
    if (body.length === 0 || Buffer.byteLength(body) > 256 * 1024) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        'Message must be between 1 byte and 256 KiB.',
        400,
        'InvalidParameterValue',
      );
    }
    const now = this.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    return message;
  }

  private takeVisible(queue: StoredQueue, max: number, visibilitySeconds: number) {
    this.dropExpired(queue);
    const now = this.now();
    const taken: StoredMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        this.moveToDeadLetter(queue, message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = `${message.messageId}:${randomUUID()}`;
      taken.push(message);
    }
    return taken;
  }

  private moveToDeadLetter(queue: StoredQueue, message: StoredMessage): void {
    const targetName = queue.redrive?.deadLetterTargetArn.split(':').at(-1) ?? '';
    const target = this.queues.get(targetName);
    queue.messages = queue.messages.filter((candidate) => candidate !== message);
    if (target) {
      target.messages.push({ ...message, visibleAt: this.now(), receiveCount: 0 });
      delete target.messages.at(-1)?.receiptHandle;
    }
  }

  private findByReceipt(queue: StoredQueue, receiptHandle: string): StoredMessage {
    const message = queue.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (message === undefined) {
      throw new AwsServiceError(
        'ReceiptHandleIsInvalid',
        'The input receipt handle is invalid.',
        400,
        'ReceiptHandleIsInvalid',
      );
    }
    return message;
  }

  /**
   * As SQS: a handle from an earlier receive of a message that still exists is accepted but deletes
   * nothing (only the latest receive's handle deletes); a handle of no message is invalid.
   */
  private deleteByReceipt(queue: StoredQueue, receiptHandle: string): void {
    const messageId = receiptHandle.split(':')[0];
    const message = queue.messages.find((candidate) => candidate.messageId === messageId);
    if (message === undefined) {
      if (/^[0-9a-f-]{36}:[0-9a-f-]{36}$/.test(receiptHandle)) return; // already deleted: SQS accepts this
      throw new AwsServiceError(
        'ReceiptHandleIsInvalid',
        'The input receipt handle is invalid.',
        400,
        'ReceiptHandleIsInvalid',
      );
    }
    if (message.receiptHandle === receiptHandle)
      queue.messages = queue.messages.filter((candidate) => candidate !== message);
  }

  readonly operations = {
    CreateQueue: (input: Record<string, unknown>) => {
      const name = requireString(input, 'QueueName');
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
        throw new AwsServiceError(
          'InvalidParameterValue',
          'Invalid queue name.',
          400,
          'InvalidParameterValue',
        );
      }
      const attributes = (input.Attributes ?? {}) as Record<string, unknown>;
      const redrivePolicy =
        typeof attributes.RedrivePolicy === 'string' ? JSON.parse(attributes.RedrivePolicy) : undefined;
      const existing = this.queues.get(name);
      if (!existing) {
        this.queues.set(name, {
          name,
          visibilityTimeoutSeconds:
            integerAttribute(attributes.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200) ?? 30,
          retentionSeconds:
            integerAttribute(attributes.MessageRetentionPeriod, 'MessageRetentionPeriod', 60, 1_209_600) ??
            345_600,
          ...(redrivePolicy
            ? {
                redrive: {
                  deadLetterTargetArn: String(redrivePolicy.deadLetterTargetArn),
                  maxReceiveCount:
                    integerAttribute(redrivePolicy.maxReceiveCount, 'maxReceiveCount', 1, 1000) ?? 1,
                },
              }
            : {}),
          messages: [],
        });
        this.persist();
      }
      return { QueueUrl: this.queueUrl(name) };
    },

    GetQueueUrl: (input: Record<string, unknown>) => {
      const name = requireString(input, 'QueueName');
      if (!this.queues.has(name)) {
        throw new AwsServiceError(
          'QueueDoesNotExist',
          'The specified queue does not exist.',
          400,
          'AWS.SimpleQueueService.NonExistentQueue',
        );
      }
      return { QueueUrl: this.queueUrl(name) };
    },

    ListQueues: () => ({ QueueUrls: [...this.queues.keys()].map((name) => this.queueUrl(name)) }),

    GetQueueAttributes: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      this.dropExpired(queue);
      const now = this.now();
      const delayed = queue.messages.filter(
        (message) => message.visibleAt > now && message.receiveCount === 0,
      ).length;
      const ready = queue.messages.filter((message) => message.visibleAt <= now).length;
      return {
        Attributes: {
          QueueArn: queueArn(queue.name),
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(queue.retentionSeconds),
          ApproximateNumberOfMessages: String(ready),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - ready - delayed),
          ApproximateNumberOfMessagesDelayed: String(delayed),
          ...(queue.redrive ? { RedrivePolicy: JSON.stringify(queue.redrive) } : {}),
        },
      };
    },

    SendMessage: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      const body = requireString(input, 'MessageBody');
      const message = this.enqueue(
        queue,
        body,
        integerAttribute(input.DelaySeconds, 'DelaySeconds', 0, 900) ?? 0,
      );
      this.persist();
      this.wake();
      return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
    },

    SendMessageBatch: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
      if (entries.length === 0) {
        throw new AwsServiceError(
          'EmptyBatchRequest',
          'There should be at least one entry in the request.',
          400,
          'AWS.SimpleQueueService.EmptyBatchRequest',
        );
      }
      if (entries.length > 10) {
        throw new AwsServiceError(
          'TooManyEntriesInBatchRequest',
          'Maximum number of entries per request are 10.',
          400,
          'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        );
      }
      const successful = entries.map((entry) => {
        const body = requireString(entry, 'MessageBody');
        const message = this.enqueue(
          queue,
          body,
          integerAttribute(entry.DelaySeconds, 'DelaySeconds', 0, 900) ?? 0,
        );
        return { Id: requireString(entry, 'Id'), MessageId: message.messageId, MD5OfMessageBody: md5(body) };
      });
      this.persist();
      this.wake();
      return { Successful: successful, Failed: [] };
    },

    ReceiveMessage: async (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      const max = integerAttribute(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10) ?? 1;
      const visibility =
        integerAttribute(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200) ??
        queue.visibilityTimeoutSeconds;
      const waitSeconds =
        integerAttribute(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, MAX_LONG_POLL_SECONDS) ?? 0;
      const deadline = this.now() + waitSeconds * 1000;
      let messages = this.takeVisible(queue, max, visibility);
      while (messages.length === 0 && this.now() < deadline) {
        await new Promise<void>((resolve) => {
          const wakeUp = () => {
            clearTimeout(timer);
            this.waiters.delete(wakeUp);
            resolve();
          };
          // Re-check at least every 200 ms so delayed and re-visible messages are found too.
          const timer = setTimeout(wakeUp, Math.min(200, Math.max(0, deadline - this.now())));
          this.waiters.add(wakeUp);
        });
        messages = this.takeVisible(queue, max, visibility);
      }
      this.persist();
      return {
        Messages: messages.map((message) => ({
          MessageId: message.messageId,
          ReceiptHandle: message.receiptHandle,
          MD5OfBody: md5(message.body),
          Body: message.body,
          Attributes: {
            ApproximateReceiveCount: String(message.receiveCount),
            SentTimestamp: String(message.sentAt),
            ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
            SenderId: ACCOUNT_ID,
          },
        })),
      };
    },

    DeleteMessage: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      this.deleteByReceipt(queue, requireString(input, 'ReceiptHandle'));
      this.persist();
      return {};
    },

    DeleteMessageBatch: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
      const successful: { Id: string }[] = [];
      const failed: { Id: string; Code: string; SenderFault: boolean; Message: string }[] = [];
      for (const entry of entries) {
        const id = requireString(entry, 'Id');
        const handle = requireString(entry, 'ReceiptHandle');
        const message = queue.messages.find((candidate) => candidate.receiptHandle === handle);
        if (message) {
          queue.messages = queue.messages.filter((candidate) => candidate !== message);
          successful.push({ Id: id });
        } else {
          failed.push({
            Id: id,
            Code: 'ReceiptHandleIsInvalid',
            SenderFault: true,
            Message: 'The input receipt handle is invalid.',
          });
        }
      }
      this.persist();
      return { Successful: successful, Failed: failed };
    },

    ChangeMessageVisibility: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      const message = this.findByReceipt(queue, requireString(input, 'ReceiptHandle'));
      const seconds = integerAttribute(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200) ?? 0;
      message.visibleAt = this.now() + seconds * 1000;
      this.persist();
      if (seconds === 0) this.wake();
      return {};
    },

    PurgeQueue: (input: Record<string, unknown>) => {
      const queue = this.queueFromUrl(input);
      queue.messages = [];
      this.persist();
      return {};
    },
  };
}

export interface RunningSqs extends RunningServer {
  sqs: LocalSqs;
}

export async function startSqs(options: { port: number; file?: string }): Promise<RunningSqs> {
  const sqs = new LocalSqs(options.file);
  const server = createAwsJsonServer({
    targetPrefix: 'AmazonSQS',
    jsonVersion: '1.0',
    errorTypePrefix: 'com.amazonaws.sqs#',
    operations: sqs.operations,
  });
  const running = await listen(server, options.port);
  sqs.setBaseUrl(running.url);
  return {
    ...running,
    sqs,
    close: async () => {
      sqs.releaseWaiters();
      await running.close();
    },
  };
}
