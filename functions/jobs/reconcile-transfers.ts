import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { automation } from '#app/automation-wiring';
import { scheduledJobHandler } from '#observability/job-handler';
import { metrics } from '#observability/powertools';

export const handler = scheduledJobHandler(async () => {
  const summary = await automation().schedules.reconcileTransfers();
  // The stuck-transfer alarm watches this: an open transfer older than an hour needs a human.
  metrics.addMetric('OpenTransferMaxAgeMinutes', MetricUnit.Count, summary.oldestOpenMinutes);
  metrics.addMetric('TransfersUnknown', MetricUnit.Count, summary.byStatus.unknown ?? 0);
  return summary;
});
