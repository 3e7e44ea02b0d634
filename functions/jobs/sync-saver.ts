import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { automation } from '#app/automation-wiring';
import { queueWorkerHandler } from '#observability/job-handler';
import { metrics } from '#observability/powertools';

const SyncMessageSchema = z.strictObject({ saverId: z.string().min(1) });

export const handler = queueWorkerHandler(SyncMessageSchema, async ({ saverId }) => {
  const summary = await automation().sync.syncSaver(saverId);
  metrics.addMetric('SyncRuns', MetricUnit.Count, 1);
  return summary;
});
