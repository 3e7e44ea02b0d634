import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueWorker } from '#stacks/definitions';
import { lambdaContext, loadHandler } from './lambda-runtime.ts';

export interface DrainSummary {
  worker: string;
  batches: number;
  received: number;
  succeeded: number;
  failed: number;
}

/**
 * Feeds a queue's messages to its worker handler in SQS events, as Lambda's event source mapping
 * does: a batch at a time, deleting what succeeded and leaving reported failures (or the whole batch,
 * if the handler throws) to become visible again and eventually move to the dead-letter queue.
 */
export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private queueUrl: string | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly worker: QueueWorker,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  private async url(): Promise<string> {
    this.queueUrl ??= (
      await this.sqs.send(new GetQueueUrlCommand({ QueueName: this.worker.queueName }))
    ).QueueUrl;
    if (!this.queueUrl) throw new Error(`queue ${this.worker.queueName} has no URL`);
    return this.queueUrl;
  }

  /** Receives and processes one batch; returns the number of messages received. */
  async processBatch(waitSeconds = 0): Promise<{ received: number; failed: number }> {
    const queueUrl = await this.url();
    const { Messages: messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, this.worker.batchSize),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (messages.length === 0) return { received: 0, failed: 0 };
    const queueArn = `arn:aws:sqs:eu-north-1:000000000000:${this.worker.queueName}`;
    const event: SQSEvent = {
      Records: messages.map((message) => ({
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: message.Attributes?.SenderId ?? '000000000000',
          ApproximateFirstReceiveTimestamp:
            message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'eu-north-1',
      })),
    };
    let failedIds: Set<string>;
    try {
      const handler = await loadHandler(this.worker.entry);
      const result = (await handler(
        event,
        lambdaContext(this.worker.entry, this.worker.visibilityTimeoutSeconds * 1000),
      )) as SQSBatchResponse | undefined;
      failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.log(
        `${this.worker.name}: batch failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
    }
    const done = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    if (done.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
          })),
        }),
      );
    }
    return { received: messages.length, failed: messages.length - done.length };
  }

  /** Processes batches until the queue has nothing visible: the "run this worker now" operation. */
  async drain(maxBatches = 1000): Promise<DrainSummary> {
    const summary: DrainSummary = {
      worker: this.worker.name,
      batches: 0,
      received: 0,
      succeeded: 0,
      failed: 0,
    };
    while (summary.batches < maxBatches) {
      const { received, failed } = await this.processBatch(0);
      if (received === 0) break;
      summary.batches += 1;
      summary.received += received;
      summary.failed += failed;
      summary.succeeded += received - failed;
      // Failed messages stay invisible for their timeout, so the loop ends once only they remain.
    }
    return summary;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.processBatch(1);
        } catch (error) {
          this.log(
            `${this.worker.name}: poll failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
