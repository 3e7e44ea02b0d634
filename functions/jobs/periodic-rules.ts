import { automation } from '#app/automation-wiring';
import { scheduledJobHandler } from '#observability/job-handler';

export const handler = scheduledJobHandler(() => automation().schedules.periodicRules());
