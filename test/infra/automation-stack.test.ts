import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, test } from 'vitest';
import { AutomationStack, deadLetterRetention } from '#stacks/automation-stack';
import type { AppFunction } from '#stacks/constructs/app-function';
import {
  functionNameOf,
  NORDEA_APP_LIMITS,
  type QueueWorker,
  queueUrlVariables,
  queueWorkers,
  type ScheduledJob,
  SYNC_QUEUE,
  scheduledJobs,
} from '#stacks/definitions';
import { testApp } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const dev = testApp();
const stack = dev.automation;
const template = Template.fromStack(stack);
const monitoring = Template.fromStack(dev.monitoring);

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);
const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
  'Fn::GetAtt': [logicalId(construct), 'Arn'],
});
const resourcesOf = (type: string) => Object.values(template.findResources(type)) as Resource[];
const functionResource = (appFunction: AppFunction) =>
  template.toJSON().Resources[logicalId(appFunction.function)] as Resource;
const statementsOf = (appFunction: AppFunction): Statement[] =>
  resourcesOf('AWS::IAM::Policy')
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: logicalId(appFunction.role) }),
      ),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const actionsOf = (appFunction: AppFunction) =>
  statementsOf(appFunction).flatMap((statement) => [statement.Action].flat());

/** `rate(15 minutes)`, `rate(1 hour)`, `rate(1 day)` → minutes. */
function rateInMinutes(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`Not a rate expression: ${expression}`);
  const unit = { minute: 1, hour: 60, day: 24 * 60 }[match[2]?.replace(/s$/, '') as 'minute'];
  return Number(match[1]) * unit;
}

describe('the automation stack', () => {
  const everyFunction: { definition: QueueWorker | ScheduledJob; appFunction: AppFunction }[] = [
    ...stack.workers.map(({ worker, appFunction }) => ({ definition: worker, appFunction })),
    ...stack.jobs.map(({ job, appFunction }) => ({ definition: job, appFunction })),
  ];

  test('is wired into the app as sparegris-<stage>-automation, in the app region', () => {
    expect(stack.stackName).toBe('sparegris-dev-automation');
    expect(stack.region).toBe(dev.region);
    expect(stack.workers.map(({ worker }) => worker.name)).toEqual(queueWorkers.map((worker) => worker.name));
    expect(stack.jobs.map(({ job }) => job.name)).toEqual(scheduledJobs.map((job) => job.name));
  });

  test('one queue and one dead-letter queue per worker, redriven after maxReceiveCount', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2 * queueWorkers.length + scheduledJobs.length);
    for (const worker of queueWorkers) {
      const resources = stack.workers.find((entry) => entry.worker === worker);
      expect(resources).toBeDefined();
      if (!resources) continue;
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `sparegris-dev-${worker.queueName}`,
        VisibilityTimeout: worker.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: arnOf(resources.deadLetterQueue),
          maxReceiveCount: worker.maxReceiveCount,
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `sparegris-dev-${worker.queueName}-dlq`,
        MessageRetentionPeriod: deadLetterRetention.toSeconds(),
      });
      expect(worker.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(worker.timeoutSeconds);
    }
  });

  test('every queue is encrypted and refuses requests without TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const policies = resourcesOf('AWS::SQS::QueuePolicy');
    for (const [id, queue] of Object.entries(queues) as [string, Resource][]) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      const policy = policies.find((candidate) =>
        JSON.stringify(candidate.Properties.Queues).includes(JSON.stringify({ Ref: id })),
      );
      const statements = (policy?.Properties.PolicyDocument as { Statement: unknown[] } | undefined)
        ?.Statement;
      expect(statements, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  test('each worker runs at most maxConcurrency at once and reports partial batch failures', () => {
    for (const { worker, queue, appFunction } of stack.workers) {
      expect(functionResource(appFunction).Properties).toMatchObject({
        FunctionName: `sparegris-dev-${functionNameOf(worker.entry)}`,
        ReservedConcurrentExecutions: worker.maxConcurrency,
        Timeout: worker.timeoutSeconds,
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(appFunction.function) },
        EventSourceArn: arnOf(queue),
        BatchSize: worker.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', queueWorkers.length);
  });

  test('one schedule per job at its rate, with a retry policy, a dead-letter queue and the job name', () => {
    const schedules = resourcesOf('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(scheduledJobs.length);
    for (const { job, appFunction, deadLetterQueue } of stack.jobs) {
      const schedule = schedules.find(
        (candidate) => candidate.Properties.Name === `sparegris-dev-${job.name}`,
      );
      expect(schedule, job.name).toBeDefined();
      const properties = schedule?.Properties as {
        ScheduleExpression: string;
        State: string;
        Target: {
          Arn: unknown;
          Input: string;
          RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
          DeadLetterConfig: { Arn: unknown };
        };
      };
      expect(rateInMinutes(properties.ScheduleExpression)).toBe(job.everyMinutes);
      expect(properties.State).toBe('ENABLED');
      expect(properties.Target.Arn).toEqual(arnOf(appFunction.function));
      expect(properties.Target.RetryPolicy).toEqual({
        MaximumRetryAttempts: expect.any(Number),
        MaximumEventAgeInSeconds: expect.any(Number),
      });
      expect(properties.Target.DeadLetterConfig).toEqual({ Arn: arnOf(deadLetterQueue) });
      expect(JSON.parse(properties.Target.Input)).toEqual({
        job: job.name,
        scheduledTime: '<aws.scheduler.scheduled-time>',
      });
      expect(functionResource(appFunction).Properties.Timeout).toBe(job.timeoutSeconds);
    }
  });

  test('the scheduler may invoke only its job and send only to its dead-letter queue', () => {
    for (const { schedule, appFunction, deadLetterQueue } of stack.jobs) {
      const target = (template.toJSON().Resources[logicalId(schedule)] as Resource).Properties.Target as {
        RoleArn: { 'Fn::GetAtt': [string, string] };
      };
      const [roleId] = target.RoleArn['Fn::GetAtt'];
      const statements = resourcesOf('AWS::IAM::Policy')
        .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
      expect(statements).toEqual([
        expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: arnOf(appFunction.function) }),
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: arnOf(deadLetterQueue) }),
      ]);
    }
  });

  test('a failed job run is not retried by Lambda: it goes to the dead-letter queue', () => {
    for (const { appFunction, deadLetterQueue } of stack.jobs) {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(appFunction.function) },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: Match.anyValue(),
        DestinationConfig: { OnFailure: { Destination: arnOf(deadLetterQueue) } },
      });
    }
  });

  test('only the functions that declare sendsTo may send to a work queue, by its ARN', () => {
    for (const { queue, worker } of stack.workers) {
      for (const { definition, appFunction } of everyFunction) {
        const sends = statementsOf(appFunction).filter(
          (statement) =>
            [statement.Action].flat().includes('sqs:SendMessage') &&
            JSON.stringify(statement.Resource) === JSON.stringify(arnOf(queue)),
        );
        expect(sends.length, `${definition.name} → ${worker.queueName}`).toBe(
          definition.sendsTo?.includes(worker.queueName) ? 1 : 0,
        );
        const variables = functionResource(appFunction).Properties.Environment as {
          Variables: Record<string, unknown>;
        };
        const variable = queueUrlVariables[worker.queueName] as string;
        if (definition.sendsTo?.includes(worker.queueName)) {
          expect(variables.Variables[variable]).toEqual({ Ref: logicalId(queue) });
        } else {
          expect(variables.Variables[variable]).toBeUndefined();
        }
      }
    }
    for (const { appFunction } of everyFunction) {
      for (const statement of statementsOf(appFunction)) {
        if (![statement.Action].flat().some((action) => action.startsWith('sqs:'))) continue;
        expect(JSON.stringify(statement.Resource)).not.toContain('*');
      }
    }
  });

  test('functions get exactly their declared access: no bank access, no Secrets Manager', () => {
    for (const { definition, appFunction } of everyFunction) {
      const actions = actionsOf(appFunction);
      const secretResources = JSON.stringify(
        statementsOf(appFunction)
          .filter((statement) =>
            [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')),
          )
          .map((statement) => statement.Resource),
      );
      if (definition.access.bank) {
        expect(secretResources).toContain('secret:sparegris/dev/nordea-app-??????');
        expect(secretResources).toContain('secret:sparegris/dev/bank-tokens/*');
      } else {
        expect(
          actions.filter((action) => action.startsWith('secretsmanager:')),
          definition.name,
        ).toEqual([]);
      }
      if (!definition.access.tokenKeys) expect(secretResources).not.toContain('jwt-signing-keys');
      expect(actions).not.toContain('dynamodb:Scan');
      if (definition.access.table === 'read') expect(actions).not.toContain('dynamodb:PutItem');
      if (definition.access.table === 'readWrite') expect(actions).toContain('dynamodb:PutItem');
    }
  });

  test('every function runs on Node.js 24 ARM64, traced, logging to its own group with retention', () => {
    template.resourceCountIs('AWS::Lambda::Function', queueWorkers.length + scheduledJobs.length);
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const { appFunction } of everyFunction) {
      const properties = functionResource(appFunction).Properties as {
        LoggingConfig: { LogGroup: { Ref: string } };
        Environment: { Variables: Record<string, unknown> };
      };
      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(properties.Environment.Variables).toMatchObject({
        STAGE: 'dev',
        TABLE_NAME: 'sparegris-dev',
        NORDEA_APP_SECRET_ID: 'sparegris/dev/nordea-app',
        BANK_TOKENS_SECRET_PREFIX: 'sparegris/dev/bank-tokens',
      });
      const logGroup = logGroups[properties.LoggingConfig.LogGroup.Ref] as Resource | undefined;
      expect(logGroup?.Properties.RetentionInDays).toBe(30);
    }
  });

  test('every dead-letter queue has a depth alarm that notifies the alarm topic', () => {
    const [topicId] = Object.keys(monitoring.findResources('AWS::SNS::Topic'));
    const queueNames = [
      ...queueWorkers.map((worker) => `sparegris-dev-${worker.queueName}-dlq`),
      ...scheduledJobs.map((job) => `sparegris-dev-${job.name}-schedule-dlq`),
    ];
    expect(stack.watch.deadLetterQueues.map((queue) => queue.queueName).sort()).toEqual(
      [...queueNames].sort(),
    );
    for (const queueName of queueNames) {
      monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: queueName }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  test('job and worker functions have errors and throttles alarms; stuck transfers alarm after an hour', () => {
    for (const { appFunction } of everyFunction) {
      for (const metricName of ['Errors', 'Throttles']) {
        monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metricName,
          Dimensions: [
            { Name: 'FunctionName', Value: functionResource(appFunction).Properties.FunctionName },
          ],
          Threshold: 1,
        });
      }
    }
    monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sparegris-dev-StuckTransfers',
      Namespace: 'Sparegris',
      MetricName: 'OpenTransferMaxAgeMinutes',
      Statistic: 'Maximum',
      Threshold: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [Match.anyValue()],
    });
  });

  test('monitoring names automation resources without CloudFormation exports', () => {
    expect(JSON.stringify(monitoring.toJSON())).not.toMatch(/ImportValue[^}]*automation/);
    expect(dev.monitoring.dependencies).not.toContain(stack);
  });

  test('the dashboard graphs sync rounds, transfers, bank rate limits and queue depths', () => {
    const [dashboard] = Object.values(monitoring.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metricName of [
      'SyncRuns',
      'TransfersPaid',
      'TransfersUnknown',
      'BankRateLimited',
      'OpenTransferMaxAgeMinutes',
    ]) {
      expect(body).toContain(`\\"Sparegris\\",\\"${metricName}\\",\\"service\\",\\"sparegris\\"`);
    }
    for (const worker of queueWorkers) {
      expect(body).toContain(`\\"QueueName\\",\\"sparegris-dev-${worker.queueName}\\"`);
    }
  });

  test('cdk-nag AwsSolutions finds no unacknowledged error or warning in the stack', () => {
    dev.app.synth();
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test('prod keeps a year of logs and names everything for prod', () => {
    const prod = testApp({ stage: 'prod' });
    const prodTemplate = Template.fromStack(prod.automation);
    prodTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    prodTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `sparegris-prod-${queueWorkers[0]?.queueName}`,
    });
    expect(new AwsSolutionsChecks().validateScope(prod.automation).violations).toEqual([]);
  });

  test('refuses a sendsTo that names no queue, and a visibility timeout shorter than the worker', () => {
    const app = () =>
      new App({
        outdir: mkdtempSync(join(tmpdir(), 'sparegris-automation-')),
        context: { 'aws:cdk:bundling-stacks': [] },
      });
    const [job] = scheduledJobs;
    const [worker] = queueWorkers;
    if (!job || !worker) throw new Error('definitions have no jobs or workers');
    expect(
      () =>
        new AutomationStack(app(), 'automation', {
          stage: 'dev',
          jobs: [{ ...job, sendsTo: ['no-such-queue'] }],
        }),
    ).toThrow(/sends to "no-such-queue"/);
    expect(
      () =>
        new AutomationStack(app(), 'automation', {
          stage: 'dev',
          workers: [{ ...worker, visibilityTimeoutSeconds: worker.timeoutSeconds - 1 }],
          jobs: [],
        }),
    ).toThrow(/visibilityTimeoutSeconds/);
  });

  test('bank-calling workers and jobs pace to shares that add up to at most the app limit', () => {
    const used = { ais: 0, pis: 0 };
    for (const worker of queueWorkers.filter((candidate) => candidate.access.bank)) {
      const share = worker.bankCallsPerSecond;
      expect(share, `${worker.name} has no bank call share`).toBeDefined();
      used.ais += (share?.ais ?? 0) * worker.maxConcurrency;
      used.pis += (share?.pis ?? 0) * worker.maxConcurrency;
    }
    for (const job of scheduledJobs.filter((candidate) => candidate.access.bank)) {
      expect(job.bankCallsPerSecond, `${job.name} has no bank call share`).toBeDefined();
      used.ais += job.bankCallsPerSecond?.ais ?? 0;
      used.pis += job.bankCallsPerSecond?.pis ?? 0;
    }
    expect(used.ais).toBeLessThanOrEqual(NORDEA_APP_LIMITS.ais);
    expect(used.pis).toBeLessThanOrEqual(NORDEA_APP_LIMITS.pis);
    const syncWorker = queueWorkers.find((worker) => worker.queueName === SYNC_QUEUE);
    const environment = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: `sparegris-dev-jobs-${syncWorker?.name}` },
    });
    const [variables] = Object.values(environment).map(
      (resource) =>
        (resource as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties
          .Environment.Variables,
    );
    expect(variables).toMatchObject({
      NORDEA_AIS_CALLS_PER_SECOND: String(syncWorker?.bankCallsPerSecond?.ais),
      NORDEA_PIS_CALLS_PER_SECOND: String(syncWorker?.bankCallsPerSecond?.pis),
    });
  });
});
