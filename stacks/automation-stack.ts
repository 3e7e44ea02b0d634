import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AppFunction, appResources } from './constructs/app-function.ts';
import {
  type BankCallShare,
  functionNameOf,
  type QueueWorker,
  queueUrlVariables,
  queueWorkers,
  type ScheduledJob,
  type ScheduledJobEvent,
  scheduledJobs,
} from './definitions.ts';
import { isProduction, resourceNames, type Stage } from './stage.ts';

export interface AutomationStackProps extends StackProps {
  stage: Stage;
  /** As for the API stack; the jobs get the same environment as the API functions. */
  webOrigin?: string;
  jobs?: readonly ScheduledJob[];
  workers?: readonly QueueWorker[];
}

/** How long a dead-lettered message waits for an operator (SQS's maximum). */
export const deadLetterRetention = Duration.days(14);

/**
 * What the monitoring stack watches, by physical name: its alarms and graphs name the functions and
 * queues as plain strings, so no CloudFormation export ties the two stacks together and removing a
 * job or worker takes one deploy.
 */
export interface AutomationWatch {
  /** Construct id (alarm names) and physical name of every job and worker function. */
  functions: { id: string; functionName: string }[];
  /** The work queues, whose depth and age the dashboard graphs. */
  queues: { id: string; queueName: string }[];
  /** Every dead-letter queue: one message in any of them is an incident. */
  deadLetterQueues: { id: string; queueName: string; holds: string }[];
}

export interface WorkerResources {
  worker: QueueWorker;
  queue: Queue;
  deadLetterQueue: Queue;
  appFunction: AppFunction;
}

export interface JobResources {
  job: ScheduledJob;
  appFunction: AppFunction;
  schedule: Schedule;
  /** Where both the scheduler and Lambda's async invocation put a run that failed. */
  deadLetterQueue: Queue;
}

/**
 * The background half of Sparegris, from `scheduledJobs` and `queueWorkers` in definitions.ts: an
 * SQS queue (with a dead-letter queue) and a worker per `QueueWorker`, and an EventBridge Scheduler
 * schedule and a function per `ScheduledJob`. Stateless: the table and secrets are the data stack's,
 * referenced by name.
 */
export class AutomationStack extends Stack {
  readonly workers: WorkerResources[] = [];
  readonly jobs: JobResources[] = [];
  /** Every job and worker function. */
  readonly functions: AppFunction[] = [];
  readonly watch: AutomationWatch = { functions: [], queues: [], deadLetterQueues: [] };

  private readonly stage: Stage;

  constructor(scope: Construct, id: string, props: AutomationStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const logRetention = isProduction(props.stage) ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;
    const resources = appResources(this, props.stage, props.webOrigin);
    const workers = props.workers ?? queueWorkers;
    const jobs = props.jobs ?? scheduledJobs;

    // Every queue first, so any function may send to any of them.
    const queues = new Map<string, Queue>();
    const deadLetterQueues = new Map<string, Queue>();
    for (const worker of workers) {
      if (worker.visibilityTimeoutSeconds < worker.timeoutSeconds) {
        throw new Error(
          `Queue ${worker.queueName}: visibilityTimeoutSeconds (${worker.visibilityTimeoutSeconds}) must be at least the worker's timeoutSeconds (${worker.timeoutSeconds})`,
        );
      }
      const deadLetterQueue = this.deadLetterQueue(`${worker.queueName}-dlq`);
      const queue = new Queue(this, `${worker.queueName}-queue`, {
        queueName: resourceNames(this.stage).queue(worker.queueName),
        visibilityTimeout: Duration.seconds(worker.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: worker.maxReceiveCount },
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      queues.set(worker.queueName, queue);
      deadLetterQueues.set(worker.queueName, deadLetterQueue);
      this.watch.queues.push({ id: worker.queueName, queueName: this.physicalName(worker.queueName) });
      this.watch.deadLetterQueues.push({
        id: `${worker.queueName}-dlq`,
        queueName: this.physicalName(`${worker.queueName}-dlq`),
        holds: `${worker.queueName} messages that failed ${worker.maxReceiveCount} times`,
      });
    }

    const newFunction = (
      entry: string,
      options: {
        timeoutSeconds: number;
        sendsTo?: readonly string[];
        reservedConcurrency?: number;
        bankCallsPerSecond?: BankCallShare;
      },
    ) => {
      const name = functionNameOf(entry);
      const functionName = this.physicalName(name);
      const sendsTo = options.sendsTo ?? [];
      const queueUrls: Record<string, string> = {};
      for (const queueName of sendsTo) {
        const queue = queues.get(queueName);
        const variable = queueUrlVariables[queueName];
        if (!queue || !variable) {
          throw new Error(`${entry} sends to "${queueName}", which is not a queue in queueWorkers`);
        }
        queueUrls[variable] = queue.queueUrl;
      }
      const appFunction = new AppFunction(this, name, {
        entry,
        functionName,
        environment: {
          ...resources.environment,
          ...queueUrls,
          ...(options.bankCallsPerSecond
            ? {
                NORDEA_AIS_CALLS_PER_SECOND: String(options.bankCallsPerSecond.ais),
                NORDEA_PIS_CALLS_PER_SECOND: String(options.bankCallsPerSecond.pis),
              }
            : {}),
        },
        logRetention,
        timeout: Duration.seconds(options.timeoutSeconds),
        ...(options.reservedConcurrency === undefined
          ? {}
          : { reservedConcurrentExecutions: options.reservedConcurrency }),
      });
      for (const queueName of sendsTo) queues.get(queueName)?.grantSendMessages(appFunction.function);
      this.functions.push(appFunction);
      this.watch.functions.push({ id: name, functionName });
      return appFunction;
    };

    for (const worker of workers) {
      const queue = queues.get(worker.queueName) as Queue;
      const appFunction = newFunction(worker.entry, {
        timeoutSeconds: worker.timeoutSeconds,
        reservedConcurrency: worker.maxConcurrency,
        ...(worker.sendsTo ? { sendsTo: worker.sendsTo } : {}),
        ...(worker.bankCallsPerSecond ? { bankCallsPerSecond: worker.bankCallsPerSecond } : {}),
      });
      appFunction.grantAccess(worker.access, resources);
      appFunction.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: worker.batchSize,
          reportBatchItemFailures: true,
          // The poller never runs more than the reserved concurrency (so it is not throttled, which
          // would count receives towards the dead-letter queue); SQS allows 2 at the least.
          ...(worker.maxConcurrency >= 2 ? { maxConcurrency: worker.maxConcurrency } : {}),
        }),
      );
      this.workers.push({
        worker,
        queue,
        deadLetterQueue: deadLetterQueues.get(worker.queueName) as Queue,
        appFunction,
      });
    }

    for (const job of jobs) {
      const appFunction = newFunction(job.entry, {
        timeoutSeconds: job.timeoutSeconds,
        ...(job.sendsTo ? { sendsTo: job.sendsTo } : {}),
        ...(job.bankCallsPerSecond ? { bankCallsPerSecond: job.bankCallsPerSecond } : {}),
      });
      appFunction.grantAccess(job.access, resources);
      const deadLetterQueue = this.deadLetterQueue(`${job.name}-schedule-dlq`);
      // cdk-nag recognises a dead-letter queue only by a queue's redrive policy.
      Validations.of(deadLetterQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the dead-letter queue of the job’s schedule and of its function’s async invocations.',
      });
      // A run older than the job's interval is superseded by the next one; Lambda keeps events 6 h at most.
      const freshFor = Duration.minutes(Math.min(job.everyMinutes, 6 * 60));
      // The next run is the retry: a failed run goes to the dead-letter queue (and alarms) at once.
      appFunction.function.configureAsyncInvoke({
        retryAttempts: 0,
        maxEventAge: freshFor,
        onFailure: new SqsDestination(deadLetterQueue),
      });
      // The scheduler's own role: invoke this function (unqualified, so no `:*` for versions) and send
      // to this dead-letter queue, nothing else. Immutable, so LambdaInvoke's grants add nothing wider.
      const schedulerRole = new Role(this, `${job.name}-scheduler-role`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: {
            StringEquals: {
              'aws:SourceAccount': this.account,
              'aws:SourceArn': this.formatArn({
                service: 'scheduler',
                resource: 'schedule-group',
                resourceName: 'default',
              }),
            },
          },
        }),
      });
      schedulerRole.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:InvokeFunction'],
          resources: [appFunction.function.functionArn],
        }),
      );
      schedulerRole.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['sqs:SendMessage'],
          resources: [deadLetterQueue.queueArn],
        }),
      );
      const input: ScheduledJobEvent = { job: job.name, scheduledTime: ContextAttribute.scheduledTime };
      const schedule = new Schedule(this, `${job.name}-schedule`, {
        scheduleName: this.physicalName(job.name),
        description: `Runs ${job.entry} every ${job.everyMinutes} minutes`,
        schedule: ScheduleExpression.rate(Duration.minutes(job.everyMinutes)),
        target: new LambdaInvoke(appFunction.function, {
          role: schedulerRole.withoutPolicyUpdates(),
          input: ScheduleTargetInput.fromObject(input),
          // Scheduler retries only failed deliveries (throttling, service errors), within freshFor.
          retryAttempts: 3,
          maxEventAge: freshFor,
          deadLetterQueue,
        }),
      });
      this.jobs.push({ job, appFunction, schedule, deadLetterQueue });
      this.watch.deadLetterQueues.push({
        id: `${job.name}-schedule-dlq`,
        queueName: this.physicalName(`${job.name}-schedule-dlq`),
        holds: `${job.name} runs that failed or could not be delivered`,
      });
    }
  }

  /** `sparegris-<stage>-<name>`: the physical name of a function, queue or schedule. */
  private physicalName(name: string): string {
    return `sparegris-${this.stage}-${name}`;
  }

  private deadLetterQueue(name: string): Queue {
    return new Queue(this, name, {
      queueName: this.physicalName(name),
      retentionPeriod: deadLetterRetention,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
  }
}
