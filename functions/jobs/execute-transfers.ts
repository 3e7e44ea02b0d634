import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { automation } from '#app/automation-wiring';
import { queueWorkerHandler } from '#observability/job-handler';
import { metrics } from '#observability/powertools';

const TransferMessageSchema = z.strictObject({ saverId: z.string().min(1), transferId: z.string().min(1) });

export const handler = queueWorkerHandler(TransferMessageSchema, async ({ saverId, transferId }) => {
  const outcome = await automation().transfers.execute(saverId, transferId);
  if (outcome === 'paid') metrics.addMetric('TransfersPaid', MetricUnit.Count, 1);
  return outcome;
});
