import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningSqs, startSqs } from '#local/sqs';

let server: RunningSqs;
let sqs: SQSClient;

beforeAll(async () => {
  server = await startSqs({ port: 0 });
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  sqs.destroy();
  await server.close();
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error('no queue url');
  return QueueUrl;
}

const receive = (
  QueueUrl: string,
  extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) =>
  sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      ...extra,
    }),
  );

describe('the SQS stand-in, through the real SDK client', () => {
  test('sends, receives (with a valid MD5) and deletes', async () => {
    const url = await queue('basic');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"saverId":"s1"}' }));
    const { Messages = [] } = await receive(url);
    expect(Messages.map((message) => message.Body)).toEqual(['{"saverId":"s1"}']);
    expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: Messages[0]?.ReceiptHandle }));
    expect((await receive(url)).Messages ?? []).toHaveLength(0);
  });

  test('hides a received message for its visibility timeout, then redelivers it', async () => {
    const url = await queue('visibility', { VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'job' }));
    const first = (await receive(url)).Messages?.[0];
    expect((await receive(url)).Messages ?? []).toHaveLength(0);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = (await receive(url)).Messages?.[0];
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    // As in SQS, the first receipt handle is stale once the message was received again: accepted, no effect.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: again?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect((await receive(url)).Messages?.[0]?.MessageId).toBe(first?.MessageId);
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    ).rejects.toMatchObject({
      name: 'ReceiptHandleIsInvalid',
    });
  });

  test('moves a message that keeps failing to the dead-letter queue', async () => {
    const deadLetterUrl = await queue('work-dlq');
    const url = await queue('work', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:eu-north-1:000000000000:work-dlq',
        maxReceiveCount: 2,
      }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    expect((await receive(url)).Messages).toHaveLength(1);
    expect((await receive(url)).Messages).toHaveLength(1);
    expect((await receive(url)).Messages ?? []).toHaveLength(0);
    const deadLetters = (await receive(deadLetterUrl)).Messages ?? [];
    expect(deadLetters.map((message) => message.Body)).toEqual(['poison']);
  });

  test('long polling returns as soon as a message arrives', async () => {
    const url = await queue('long-poll');
    const started = Date.now();
    const polling = receive(url, { WaitTimeSeconds: 5 });
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 100);
    const { Messages = [] } = await polling;
    expect(Messages.map((message) => message.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  test('sends batches and counts messages', async () => {
    const url = await queue('batch');
    const entries = Array.from({ length: 10 }, (_, index) => ({
      Id: `m${index}`,
      MessageBody: `body ${index}`,
    }));
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    expect(result.Successful).toHaveLength(10);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('10');
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [...entries, { Id: 'eleven', MessageBody: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
  });

  test('delays messages sent with DelaySeconds', async () => {
    const url = await queue('delayed');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    expect((await receive(url)).Messages ?? []).toHaveLength(0);
  });

  test('answers an unknown queue with QueueDoesNotExist', async () => {
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${server.url}/000000000000/nope`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});
