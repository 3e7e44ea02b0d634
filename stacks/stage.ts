import type { App } from 'aws-cdk-lib';

export const stages = ['dev', 'prod'] as const;
export type Stage = (typeof stages)[number];

/** `-c stage=dev|prod`, validated; dev when not given. */
export function stageFromContext(app: App): Stage {
  const value = app.node.tryGetContext('stage') ?? 'dev';
  if (!stages.includes(value)) {
    throw new Error(`Unknown stage "${String(value)}": pass -c stage=${stages.join('|')}`);
  }
  return value as Stage;
}

export const isProduction = (stage: Stage): boolean => stage === 'prod';

/**
 * Fixed names of the stateful resources, so the stateless stacks refer to them by name rather than
 * through CloudFormation exports (which would pin the data stack whenever a function changes).
 */
export const resourceNames = (stage: Stage) => ({
  table: `sparegris-${stage}`,
  tokenKeysSecret: `sparegris/${stage}/jwt-signing-keys`,
  nordeaAppSecret: `sparegris/${stage}/nordea-app`,
  bankTokensSecretPrefix: `sparegris/${stage}/bank-tokens`,
  /** The value CloudFront sends to the API in `x-origin-verify` (shared/http/origin.ts). */
  originVerifySecret: `sparegris/${stage}/origin-verify`,
  /** API functions have fixed names, so the monitoring stack names them without an export. */
  function: (functionName: string) => `sparegris-${stage}-${functionName}`,
  /** Work queues have fixed names, so API functions can send to the automation stack's queues. */
  queue: (queueName: string) => `sparegris-${stage}-${queueName}`,
});

/** Nordea's production API for prod, its sandbox otherwise. */
export const nordeaEndpoint = (stage: Stage) =>
  isProduction(stage)
    ? { baseUrl: 'https://open.nordea.com/personal', originatingHost: 'open.nordea.com' }
    : { baseUrl: 'https://api.nordeaopenbanking.com/personal', originatingHost: 'api.nordeaopenbanking.com' };
