import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { AutomationWatch } from './automation-stack.ts';
import { edgeRegion } from './edge-stack.ts';
import { isProduction, type Stage } from './stage.ts';

export interface MonitoringStackProps extends StackProps {
  stage: Stage;
  api: IHttpApi;
  /** The API functions by physical name (no export between the stacks); each gets an errors and a throttles alarm. */
  functions: readonly { id: string; functionName: string }[];
  /**
   * The automation stack's functions and queues, by physical name (no export between the stacks):
   * errors and throttles alarms per function, a depth alarm per dead-letter queue, the stuck
   * transfers alarm, and the automation rows of the dashboard.
   */
  automation?: AutomationWatch;
  /** The CloudFront web ACL's name, to graph what WAF blocks (its metrics live in us-east-1). */
  webAclName?: string;
}

export interface AlarmOptions {
  /** What it means and what to look at first, shown in the notification. */
  description: string;
  threshold: number;
  /** Default: greater than or equal to the threshold. */
  comparisonOperator?: ComparisonOperator;
  /** Default 1. */
  evaluationPeriods?: number;
  /** Default: all of the evaluation periods. */
  datapointsToAlarm?: number;
  /** Default: missing data is fine (no traffic is not an incident). */
  treatMissingData?: TreatMissingData;
}

/** Percentage of API requests answered with a 5xx, over five minutes, that pages the operator. */
export const api5xxPercentThreshold = 5;
/** p99 API latency (ms) that pages when it holds for three five-minute periods; functions time out at 10 s. */
export const apiLatencyP99ThresholdMs = 3000;

/**
 * Requests our handlers refused as too many (429: login throttling per address and per account) in
 * five minutes that page the operator: a credential-stuffing run the WAF rate rule did not stop, or
 * a client stuck in a retry loop. A saver mistyping a password a few times stays far below it.
 */
export const api429PerFiveMinutesThreshold = 50;

/**
 * Age (minutes) of the oldest transfer still open or unknown at the bank past which a saver's money
 * may be in limbo: the stuck-transfers alarm (AWS-15).
 */
export const stuckTransferThresholdMinutes = 60;

const period = Duration.minutes(5);

/**
 * The custom metrics the handlers and jobs emit through Powertools Metrics
 * (shared/observability/powertools.ts: namespace Sparegris, default dimension service).
 */
const handlerMetric = (metricName: string, label?: string, statistic = 'Sum') =>
  new Metric({
    namespace: 'Sparegris',
    metricName,
    dimensionsMap: { service: 'sparegris' },
    statistic,
    period,
    ...(label ? { label } : {}),
  });

/** A Lambda metric by the function's physical name, so no export is needed to name it. */
const lambdaMetric = (functionName: string, metricName: string, statistic: string, label?: string) =>
  new Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: functionName },
    statistic,
    period,
    ...(label ? { label } : {}),
  });

/** An SQS metric by the queue's physical name. */
const queueMetric = (queueName: string, metricName: string, label?: string) =>
  new Metric({
    namespace: 'AWS/SQS',
    metricName,
    dimensionsMap: { QueueName: queueName },
    statistic: 'Maximum',
    period,
    ...(label ? { label } : {}),
  });

/**
 * Alarms to one SNS topic, and the operators' dashboard. Other stacks add their alarms through
 * `alarmOn` (e.g. the automation stack's DLQ depth and stuck transfers), so every alarm notifies
 * the same topic and shows in the dashboard's alarm overview.
 */
export class MonitoringStack extends Stack {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm made by `alarmOn`; the dashboard's alarm overview reads this list at synth. */
  private readonly alarms: IAlarm[] = [];
  private readonly action: SnsAction;
  private readonly stage: Stage;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const production = isProduction(props.stage);

    // A customer-managed key, because CloudWatch alarms cannot publish to a topic encrypted with the
    // AWS-managed SNS key: its key policy cannot grant CloudWatch the use of it.
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the Sparegris ${props.stage} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', {
      displayName: `Sparegris ${props.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.action = new SnsAction(this.topic);
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.topic.topicArn,
      description: 'Subscribe operators here (README: Deploy)',
    });

    const requests = props.api.metricCount({ period, statistic: 'Sum', label: 'requests' });
    const clientErrors = props.api.metricClientError({ period, statistic: 'Sum', label: '4xx' });
    const serverErrors = props.api.metricServerError({ period, statistic: 'Sum', label: '5xx' });
    const latencyP99 = props.api.metricLatency({ period, statistic: 'p99', label: 'p99' });
    const latencyP50 = props.api.metricLatency({ period, statistic: 'p50', label: 'p50' });
    // Below 20 requests in five minutes a single failure would read as a high rate: not a page.
    const serverErrorPercent = new MathExpression({
      expression: 'IF(requests >= 20, 100 * serverErrors / requests, 0)',
      usingMetrics: { requests, serverErrors },
      period,
      label: '5xx %',
    });

    this.alarmOn('Api5xxRate', serverErrorPercent, {
      description: `More than ${api5xxPercentThreshold}% of API requests failed with a 5xx in five minutes. Check the API access logs and the failing function's logs.`,
      threshold: api5xxPercentThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.alarmOn('ApiLatencyP99', latencyP99, {
      description: `API p99 latency above ${apiLatencyP99ThresholdMs} ms for 15 minutes. Check function duration and DynamoDB/Secrets Manager latency in X-Ray.`,
      threshold: apiLatencyP99ThresholdMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    this.alarmOn('ApiTooManyRequests', handlerMetric('Api429'), {
      description: `Our handlers answered ${api429PerFiveMinutesThreshold} or more requests with 429 in five minutes (Api429): likely credential stuffing past the WAF rate rule, or a client retrying in a loop. Check the WAF blocked requests, the auth functions' logs and the access logs by address.`,
      threshold: api429PerFiveMinutesThreshold,
    });
    const functionAlarms = (name: string, errors: IMetric, throttles: IMetric) => {
      // The handlers answer their own failures (problem+json, batch item failures), so a Lambda error
      // is a crash, timeout or init failure: one is worth a look.
      this.alarmOn(`${name}-Errors`, errors, {
        description: `${name} crashed or timed out (Lambda Errors). Check its log group.`,
        threshold: 1,
      });
      this.alarmOn(`${name}-Throttles`, throttles, {
        description: `${name} was throttled: the account's concurrency is exhausted or its reserved concurrency is too low.`,
        threshold: 1,
      });
    };
    const automation = props.automation;
    for (const { id, functionName } of [...props.functions, ...(automation?.functions ?? [])]) {
      functionAlarms(
        id,
        lambdaMetric(functionName, 'Errors', 'Sum'),
        lambdaMetric(functionName, 'Throttles', 'Sum'),
      );
    }
    if (automation) {
      for (const { id, queueName, holds } of automation.deadLetterQueues) {
        this.alarmOn(`${id}-Depth`, queueMetric(queueName, 'ApproximateNumberOfMessagesVisible'), {
          description: `Dead-letter queue ${queueName} is not empty: it holds ${holds}. Read the messages and the function's logs, fix the cause, then redrive (replays go through intent dedup).`,
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        });
      }
      this.alarmOn('StuckTransfers', handlerMetric('OpenTransferMaxAgeMinutes', undefined, 'Maximum'), {
        description: `A transfer has been open or unknown at the bank for more than ${stuckTransferThresholdMinutes} minutes (OpenTransferMaxAgeMinutes). Check reconcile-transfers and execute-transfers logs and the bank's status before any retry: never pay twice.`,
        threshold: stuckTransferThresholdMinutes,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `sparegris-${props.stage}`,
      defaultInterval: Duration.hours(12),
    });
    const apiFunctionMetric = (metricName: string, statistic: string) =>
      props.functions.map(({ id, functionName }) => lambdaMetric(functionName, metricName, statistic, id));
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests', left: [requests], width: 8 }),
      new GraphWidget({
        title: 'API errors',
        left: [clientErrors, serverErrors],
        right: [serverErrorPercent],
        width: 8,
      }),
      new GraphWidget({ title: 'API latency (ms)', left: [latencyP50, latencyP99], width: 8 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Handler responses (Sparegris metrics)',
        left: [
          handlerMetric('ApiRequests', 'requests'),
          handlerMetric('Api4xx', '4xx'),
          handlerMetric('Api5xx', '5xx'),
          handlerMetric('Api429', '429 (throttled)'),
        ],
        width: 24,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: apiFunctionMetric('Errors', 'Sum'),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function duration p99 (ms)',
        left: apiFunctionMetric('Duration', 'p99'),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: apiFunctionMetric('Throttles', 'Sum'),
        width: 8,
      }),
    );
    if (automation) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Sync rounds and transfers (Sparegris metrics)',
          left: [
            handlerMetric('SyncRuns', 'sync runs'),
            handlerMetric('TransfersPaid', 'transfers paid'),
            handlerMetric('TransfersUnknown', 'transfers unknown'),
            handlerMetric('BankRateLimited', 'bank rate limited (429)'),
          ],
          width: 12,
        }),
        new GraphWidget({
          title: 'Oldest open transfer (minutes)',
          left: [handlerMetric('OpenTransferMaxAgeMinutes', 'oldest open transfer', 'Maximum')],
          leftAnnotations: [{ value: stuckTransferThresholdMinutes, label: 'stuck' }],
          width: 12,
        }),
      );
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Work queues: messages waiting',
          left: automation.queues.map(({ id, queueName }) =>
            queueMetric(queueName, 'ApproximateNumberOfMessagesVisible', id),
          ),
          right: automation.queues.map(({ id, queueName }) =>
            queueMetric(queueName, 'ApproximateAgeOfOldestMessage', `${id} oldest (s)`),
          ),
          width: 12,
        }),
        new GraphWidget({
          title: 'Dead-letter queues: messages',
          left: automation.deadLetterQueues.map(({ id, queueName }) =>
            queueMetric(queueName, 'ApproximateNumberOfMessagesVisible', id),
          ),
          width: 12,
        }),
      );
      const automationMetric = (metricName: string, statistic: string) =>
        automation.functions.map(({ id, functionName }) =>
          lambdaMetric(functionName, metricName, statistic, id),
        );
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Job and worker errors',
          left: automationMetric('Errors', 'Sum'),
          width: 8,
        }),
        new GraphWidget({
          title: 'Job and worker duration p99 (ms)',
          left: automationMetric('Duration', 'p99'),
          width: 8,
        }),
        new GraphWidget({
          title: 'Job and worker throttles',
          left: automationMetric('Throttles', 'Sum'),
          width: 8,
        }),
      );
    }
    if (props.webAclName) {
      const waf = (rule: string, label: string) =>
        new Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'BlockedRequests',
          dimensionsMap: { WebACL: props.webAclName ?? '', Rule: rule },
          region: edgeRegion,
          statistic: 'Sum',
          period,
          label,
        });
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'WAF blocked requests (us-east-1)',
          left: [waf('ALL', 'all rules'), waf('AuthRateLimit', '/api/auth rate limit')],
          width: 24,
        }),
      );
    }
  }

  /**
   * An alarm on `metric` that notifies the alarm topic when it fires and when it recovers, and
   * shows in the dashboard's alarm overview. Call it before the app synthesizes. The alarm lives in
   * this stack, so a metric of another stack's resource makes this stack depend on that one.
   */
  alarmOn(id: string, metric: IMetric, options: AlarmOptions): Alarm {
    const evaluationPeriods = options.evaluationPeriods ?? 1;
    const alarm = new Alarm(this, id, {
      alarmName: `sparegris-${this.stage}-${id}`,
      metric,
      alarmDescription: options.description,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: options.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
