import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, test } from 'vitest';
import { buildApp } from '#stacks/app';
import { apiRoutes } from '#stacks/definitions';

const outdir = () => mkdtempSync(join(tmpdir(), 'sparegris-cdk-'));
// In-process apps skip asset bundling (the subprocess synth below bundles for real).
const appFor = (stage?: string) =>
  buildApp(
    new App({ outdir: outdir(), context: { 'aws:cdk:bundling-stacks': [], ...(stage ? { stage } : {}) } }),
  );

describe('the CDK app', () => {
  const dev = appFor('dev');
  const data = Template.fromStack(dev.data);
  const api = Template.fromStack(dev.api);

  test('passes cdk-nag AwsSolutions with no unacknowledged findings', () => {
    expect(() => dev.app.synth()).not.toThrow();
  });

  test('fails synth when a construct breaks an AwsSolutions rule', () => {
    const broken = appFor('dev');
    new Bucket(broken.data, 'UnloggedBucket');
    expect(() => broken.app.synth()).toThrow(/AwsSolutions-S1/);
  });

  test('the table uses the shared key definition, on demand, with point-in-time recovery', () => {
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'GSI1' })],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  test('dev data may be destroyed; prod data is retained and protected', () => {
    data.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    const prod = Template.fromStack(appFor('prod').data);
    prod.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    prod.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
  });

  test('every handler runs on Node.js 24, ARM64, traced, with its table and explicit log retention', () => {
    const entries = new Set(apiRoutes.map((route) => route.entry));
    api.resourceCountIs('AWS::Lambda::Function', entries.size);
    api.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          STAGE: 'dev',
          TABLE_NAME: Match.anyValue(),
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    api.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('functions get exactly the access their route declares', () => {
    const policies = api.findResources('AWS::IAM::Policy');
    const statementsOf = (functionName: string) =>
      Object.entries(policies)
        .filter(([logicalId]) => logicalId.startsWith(functionName.replaceAll('-', '')))
        .flatMap(
          ([, policy]) =>
            (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
              .Statement,
        );
    const actions = (functionName: string) =>
      statementsOf(functionName).flatMap((statement) =>
        [(statement as { Action: string | string[] }).Action].flat(),
      );

    expect(actions('api-health').some((action) => action.startsWith('dynamodb:'))).toBe(false);
    expect(actions('api-health')).not.toContain('secretsmanager:GetSecretValue');
    expect(actions('api-me-get')).toContain('dynamodb:GetItem');
    expect(actions('api-me-get')).not.toContain('dynamodb:PutItem');
    expect(actions('api-auth-signup')).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'secretsmanager:GetSecretValue']),
    );
    for (const functionName of ['api-health', 'api-me-get', 'api-auth-signup']) {
      expect(actions(functionName)).not.toContain('dynamodb:Scan');
    }
  });

  test('the data stack holds the token signing keys secret', () => {
    data.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'sparegris/dev/jwt-signing-keys' });
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'sparegris-dev' });
  });

  test('routes come from the shared definitions, including the problem+json default route', () => {
    for (const route of apiRoutes) {
      api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: route.routeKey });
    }
  });

  test('the API stage is throttled and logs access without bodies', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.not(Match.stringLikeRegexp('body')),
      },
    });
  });

  test('an unknown stage is refused', () => {
    expect(() => appFor('staging')).toThrow(/Unknown stage "staging"/);
  });
});

test('`npx cdk synth` works offline with no AWS credentials', { timeout: 120_000 }, async () => {
  const environment = { ...process.env };
  for (const name of Object.keys(environment)) if (name.startsWith('AWS_')) delete environment[name];
  const { stdout, stderr } = await promisify(execFile)(
    'npx',
    ['cdk', 'synth', '--quiet', '--output', outdir()],
    {
      env: {
        ...environment,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        CDK_DISABLE_VERSION_CHECK: 'true',
      },
    },
  );
  expect(`${stdout}${stderr}`).toContain('Successfully synthesized');
  expect(`${stdout}${stderr}`).not.toMatch(/ERROR|WARNING/);
});
