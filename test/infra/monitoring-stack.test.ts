import { Match, Template } from 'aws-cdk-lib/assertions';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, test } from 'vitest';
import {
  api5xxPercentThreshold,
  api429PerFiveMinutesThreshold,
  apiLatencyP99ThresholdMs,
} from '#stacks/monitoring-stack';
import { testApp } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the monitoring stack', () => {
  const dev = testApp();
  const monitoring = Template.fromStack(dev.monitoring);
  const [topicId] = Object.keys(monitoring.findResources('AWS::SNS::Topic'));
  const alarms = Object.values(monitoring.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  const dashboardBody = () => {
    const [dashboard] = Object.values(monitoring.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    return JSON.stringify(dashboard?.Properties.DashboardBody);
  };
  const alarmNamed = (name: string) =>
    alarms.find((alarm) => alarm.Properties.AlarmName === `sparegris-dev-${name}`);
  const functionAlarms = (metricName: string) =>
    alarms.filter(
      (alarm) => alarm.Properties.Namespace === 'AWS/Lambda' && alarm.Properties.MetricName === metricName,
    );

  test('alarms go to one SNS topic, encrypted with a rotating key CloudWatch may use, TLS only', () => {
    monitoring.resourceCountIs('AWS::SNS::Topic', 1);
    const [keyId] = Object.keys(
      monitoring.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } }),
    );
    monitoring.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    monitoring.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
          }),
        ]),
      },
    });
    monitoring.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('every alarm notifies the topic when it fires and when it recovers', () => {
    const { automation } = dev;
    expect(alarms.length).toBe(
      3 + // API 5xx rate, p99 latency and 429s
        2 * dev.api.functions.length + // errors and throttles per API function
        2 * automation.functions.length + // … and per job and worker
        automation.watch.deadLetterQueues.length + // depth per dead-letter queue
        1, // stuck transfers
    );
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.AlarmDescription).toEqual(expect.any(String));
      expect(alarm.Properties.AlarmName).toMatch(/^sparegris-dev-/);
    }
  });

  test('the API 5xx rate alarm divides 5xx by requests, and ignores a handful of requests', () => {
    const rate = alarmNamed('Api5xxRate');
    expect(rate?.Properties).toMatchObject({
      Threshold: api5xxPercentThreshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const queries = rate?.Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Namespace: string } };
    }[];
    expect(queries.find((query) => query.Expression)?.Expression).toBe(
      'IF(requests >= 20, 100 * serverErrors / requests, 0)',
    );
    const metricOf = (id: string) => queries.find((query) => query.Id === id)?.MetricStat?.Metric;
    expect(metricOf('requests')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' });
    expect(metricOf('serverErrors')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
  });

  test('the API latency alarm watches p99 over three periods', () => {
    expect(alarmNamed('ApiLatencyP99')?.Properties).toMatchObject({
      Metrics: [
        {
          MetricStat: {
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Latency' },
            Stat: 'p99',
            Period: 300,
          },
        },
      ],
      Threshold: apiLatencyP99ThresholdMs,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  test('each API, job and worker function has an errors and a throttles alarm', () => {
    const functionCount = dev.api.functions.length + dev.automation.functions.length;
    expect(functionAlarms('Errors')).toHaveLength(functionCount);
    expect(functionAlarms('Throttles')).toHaveLength(functionCount);
    for (const alarm of [...functionAlarms('Errors'), ...functionAlarms('Throttles')]) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: expect.anything() }],
      });
    }
    const names = functionAlarms('Errors').map((alarm) => alarm.Properties.AlarmName);
    for (const appFunction of [...dev.api.functions, ...dev.automation.functions])
      expect(names).toContain(`sparegris-dev-${appFunction.node.id}-Errors`);
  });

  test('functions are named by physical name, so the monitoring stack imports nothing from the API stack', () => {
    const apiAlarm = alarmNamed('api-me-get-Errors');
    expect(apiAlarm?.Properties.Dimensions).toEqual([
      { Name: 'FunctionName', Value: 'sparegris-dev-api-me-get' },
    ]);
    Template.fromStack(dev.api).hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'sparegris-dev-api-me-get',
    });
    // Only the HTTP API's id crosses over (its metrics have no name-based dimension).
    const imports = JSON.stringify(dev.app.synth().getStackByName(dev.monitoring.stackName).template).match(
      /"Fn::ImportValue":"[^"]+"/g,
    );
    expect(imports?.every((name) => name.includes('HttpApi'))).toBe(true);
  });

  test('many throttled requests (429 from our handlers) page the operator', () => {
    expect(alarmNamed('ApiTooManyRequests')?.Properties).toMatchObject({
      Namespace: 'Sparegris',
      MetricName: 'Api429',
      Dimensions: [{ Name: 'service', Value: 'sparegris' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: api429PerFiveMinutesThreshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dashboardBody()).toContain('\\"Sparegris\\",\\"Api429\\",\\"service\\",\\"sparegris\\"');
  });

  test('the dashboard graphs API traffic, function health and the handlers’ own metrics', () => {
    monitoring.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'sparegris-dev' });
    const body = dashboardBody();
    for (const expected of [
      '\\"AWS/ApiGateway\\",\\"Count\\"',
      '\\"AWS/ApiGateway\\",\\"4xx\\"',
      '\\"AWS/ApiGateway\\",\\"5xx\\"',
      '\\"AWS/ApiGateway\\",\\"Latency\\"',
      '\\"AWS/Lambda\\",\\"Errors\\"',
      '\\"AWS/Lambda\\",\\"Duration\\"',
      '\\"AWS/Lambda\\",\\"Throttles\\"',
      '\\"Sparegris\\",\\"ApiRequests\\",\\"service\\",\\"sparegris\\"',
      '\\"Sparegris\\",\\"Api4xx\\",\\"service\\",\\"sparegris\\"',
      '\\"Sparegris\\",\\"Api5xx\\",\\"service\\",\\"sparegris\\"',
      '\\"AWS/WAFV2\\",\\"BlockedRequests\\"',
    ]) {
      expect(body).toContain(expected);
    }
    expect(body).toContain('\\"region\\":\\"us-east-1\\"');
  });

  test('other stacks add alarms through alarmOn: wired to the topic and shown on the dashboard', () => {
    const later = testApp();
    const queueDepth = new Metric({
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensionsMap: { QueueName: 'sparegris-dev-transfers-dlq' },
      statistic: 'Maximum',
    });
    const alarm = later.monitoring.alarmOn('TransfersDlqDepth', queueDepth, {
      description: 'Transfer messages reached the dead-letter queue.',
      threshold: 1,
    });
    const template = Template.fromStack(later.monitoring);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sparegris-dev-TransfersDlqDepth',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: [{ Ref: Match.anyValue() }],
      OKActions: [{ Ref: Match.anyValue() }],
    });
    const alarmId = later.monitoring.getLogicalId(alarm.node.defaultChild as never);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain(alarmId);
    expect(() => later.app.synth()).not.toThrow();
  });
});
