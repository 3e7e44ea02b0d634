import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { redactForLog } from './redaction.ts';

// One instance of each per process, shared by every handler and use case (Powertools' own idiom):
// they keep per-invocation state that the middy middlewares reset between invocations.
const serviceName = process.env.SERVICE_NAME ?? 'sparegris';

// Every log item passes through redaction: no token, secret, email or account number in the logs.
export const logger = new Logger({ serviceName, jsonReplacerFn: redactForLog });
export const metrics = new Metrics({ serviceName, namespace: 'Sparegris' });
export const tracer = new Tracer({ serviceName });
