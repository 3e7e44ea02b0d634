import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { logger, metrics, tracer } from './powertools.ts';

const ScheduledJobEventSchema = z.object({ job: z.string().min(1), scheduledTime: z.iso.datetime() });

function withJobStack<E, R>(run: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { clearState: true, resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .handler(run);
}

/**
 * A scheduled job (EventBridge Scheduler or the local scheduler): one use case, its summary logged
 * and returned. Duplicate deliveries are harmless because every job is idempotent by design
 * (conditional writes on deterministic keys), so no extra idempotency layer sits in front.
 */
export function scheduledJobHandler<R>(run: (scheduledTime: Date) => Promise<R>) {
  return withJobStack(async (event: unknown): Promise<R> => {
    const { job, scheduledTime } = ScheduledJobEventSchema.parse(event);
    logger.appendKeys({ job, scheduledTime });
    const summary = await run(new Date(scheduledTime));
    logger.info('job done', { summary });
    return summary;
  });
}

/**
 * A queue worker: each record's body is validated and handled on its own; a failed record is
 * reported back (partial batch response) so only it is retried and, in the end, dead-lettered.
 * A body that does not parse can never succeed, so it is logged and dropped instead.
 */
export function queueWorkerHandler<S extends z.ZodType>(
  schema: S,
  run: (message: z.output<S>) => Promise<unknown>,
) {
  return withJobStack(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let message: z.output<S>;
      try {
        message = schema.parse(JSON.parse(record.body));
      } catch {
        logger.error('dropping a malformed message', { messageId: record.messageId });
        continue;
      }
      try {
        const summary = await run(message);
        logger.info('message done', { messageId: record.messageId, summary });
      } catch (error) {
        logger.error('message failed', { messageId: record.messageId, error: errorSummary(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
}

/** Name and message only: stack traces and bank payloads stay out of logs. */
function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
