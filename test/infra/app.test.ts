import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, test } from 'vitest';
import { apiRoutes } from '#stacks/definitions';
import { testApp } from './support.ts';

const outdir = () => mkdtempSync(join(tmpdir(), 'sparegris-cdk-'));
// In-process apps skip asset bundling (the subprocess synth below bundles for real).
const appFor = (stage?: string) => testApp(stage ? { stage } : {});

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
    // Health reads one secret only: the value that proves a request came through CloudFront.
    const healthSecrets = statementsOf('api-health')
      .filter((statement) =>
        [(statement as { Action: string | string[] }).Action]
          .flat()
          .some((action) => action.startsWith('secretsmanager:')),
      )
      .map((statement) => JSON.stringify((statement as { Resource: unknown }).Resource));
    expect(healthSecrets).toHaveLength(1);
    expect(healthSecrets[0]).toContain('secret:sparegris/dev/origin-verify-??????');
    expect(actions('api-me-get')).toContain('dynamodb:GetItem');
    expect(actions('api-me-get')).not.toContain('dynamodb:PutItem');
    expect(actions('api-auth-signup')).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'secretsmanager:GetSecretValue']),
    );
    for (const functionName of ['api-health', 'api-me-get', 'api-auth-signup']) {
      expect(actions(functionName)).not.toContain('dynamodb:Scan');
    }
  });

  test('the data stack holds the token signing keys, the Nordea app secrets and a generated origin-verify value', () => {
    data.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'sparegris/dev/jwt-signing-keys' });
    data.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'sparegris/dev/nordea-app' });
    data.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'sparegris/dev/origin-verify',
      GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
    });
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

  test('every stack is in the app region (eu-north-1 by default) except the edge stack in us-east-1', () => {
    expect(dev.region).toBe('eu-north-1');
    for (const stack of [dev.data, dev.api, dev.automation, dev.web, dev.monitoring]) {
      expect(stack.region).toBe('eu-north-1');
    }
    expect(dev.edge.region).toBe('us-east-1');
    expect(dev.web.stackName).toBe('sparegris-dev-web');
    expect(dev.edge.stackName).toBe('sparegris-dev-edge');
    expect(dev.monitoring.stackName).toBe('sparegris-dev-monitoring');
    expect(dev.automation.stackName).toBe('sparegris-dev-automation');
  });

  test('-c region moves every stack but the edge stack; a malformed region is refused', () => {
    const ireland = testApp({ region: 'eu-west-1' });
    expect(ireland.web.region).toBe('eu-west-1');
    expect(ireland.api.region).toBe('eu-west-1');
    expect(ireland.automation.region).toBe('eu-west-1');
    expect(ireland.edge.region).toBe('us-east-1');
    expect(() => testApp({ region: 'mars' })).toThrow(/Invalid region "mars"/);
  });

  test('the app in us-east-1 still synthesizes clean (the web ACL reference stays in-region)', () => {
    expect(() => testApp({ region: 'us-east-1' }).app.synth()).not.toThrow();
  });

  test('prod synthesizes clean under cdk-nag too', () => {
    expect(() => appFor('prod').app.synth()).not.toThrow();
  });

  test('with credentials (the CLI sets CDK_DEFAULT_ACCOUNT) the stacks pin the account and stay clean', () => {
    const previous = process.env.CDK_DEFAULT_ACCOUNT;
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    try {
      const deployed = testApp();
      expect(deployed.web.account).toBe('123456789012');
      expect(deployed.edge.account).toBe('123456789012');
      expect(() => deployed.app.synth()).not.toThrow();
    } finally {
      if (previous === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
      else process.env.CDK_DEFAULT_ACCOUNT = previous;
    }
  });

  test('every acknowledgement sits below stack level and says why', () => {
    const acknowledged = dev.app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
          .map((entry) => ({ construct, rules: entry.data as Record<string, string> })),
      );
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { construct, rules } of acknowledged) {
      expect(Stack.isStack(construct), construct.node.path).toBe(false);
      for (const reason of Object.values(rules)) expect(reason.length).toBeGreaterThan(40);
    }
  });
});

test('`npx cdk synth` works offline with no AWS credentials', { timeout: 240_000 }, async () => {
  const environment = { ...process.env };
  for (const name of Object.keys(environment)) if (name.startsWith('AWS_')) delete environment[name];
  const output = outdir();
  const { stdout, stderr } = await promisify(execFile)(
    'npx',
    ['cdk', 'synth', '--quiet', '--output', output],
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
  // The web app was built by stacks/main.ts itself (web/dist is not needed) and staged as an asset.
  const assets = JSON.parse(readFileSync(join(output, 'sparegris-dev-web.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging?: string } }>;
  };
  const webBuild = Object.values(assets.files).find(
    (file) => file.source.packaging === 'zip' && existsSync(join(output, file.source.path, 'index.html')),
  );
  expect(webBuild).toBeDefined();
  for (const stack of ['data', 'api', 'automation', 'edge', 'web', 'monitoring']) {
    expect(existsSync(join(output, `sparegris-dev-${stack}.template.json`))).toBe(true);
  }
});
