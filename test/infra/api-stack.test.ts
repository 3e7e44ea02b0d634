import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { expect, test } from 'vitest';
import { ApiStack } from '#stacks/api-stack';

const app = new App({
  outdir: mkdtempSync(join(tmpdir(), 'sparegris-api-stack-')),
  context: { 'aws:cdk:bundling-stacks': [], webOrigin: 'https://sparegris.example.dk' },
});
const template = Template.fromStack(new ApiStack(app, 'api', { stage: 'prod' }));

function statementsOf(functionName: string): { Action: string | string[]; Resource: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([logicalId]) => logicalId.startsWith(functionName.replaceAll('-', '')))
    .flatMap(
      ([, policy]) =>
        (policy as { Properties: { PolicyDocument: { Statement: [] } } }).Properties.PolicyDocument.Statement,
    );
}

const resolvedResources = (functionName: string, action: string): string[] =>
  statementsOf(functionName)
    .filter((statement) => [statement.Action].flat().includes(action))
    .flatMap((statement) => [statement.Resource].flat())
    .map((resource) => JSON.stringify(resource));

test('bank functions may manage consent secrets under their prefix only', () => {
  const resources = resolvedResources('api-bank-callback', 'secretsmanager:PutSecretValue');
  expect(resources).toHaveLength(1);
  expect(resources[0]).toContain('secret:sparegris/prod/bank-tokens/*');
  expect(resolvedResources('api-bank-get', 'secretsmanager:PutSecretValue')).toEqual([]);
  expect(resolvedResources('api-me-get', 'secretsmanager:GetSecretValue').join()).not.toContain('nordea-app');
});

test('prod functions talk to Nordea production and redirect to the configured origin', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        NORDEA_BASE_URL: 'https://open.nordea.com/personal',
        NORDEA_ORIGINATING_HOST: 'open.nordea.com',
        WEB_ORIGIN: 'https://sparegris.example.dk',
        NORDEA_APP_SECRET_ID: 'sparegris/prod/nordea-app',
      }),
    },
  });
});

test('every API function knows and may read the origin-verify secret, so it can refuse requests around CloudFront', () => {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
    Properties: { Environment?: { Variables?: Record<string, unknown> } };
  }[];
  const apiFunctions = functions.filter(
    (fn) => fn.Properties.Environment?.Variables?.TABLE_NAME !== undefined,
  );
  expect(apiFunctions.length).toBeGreaterThan(30);
  for (const fn of apiFunctions) {
    expect(fn.Properties.Environment?.Variables?.ORIGIN_VERIFY_SECRET_ID).toBe(
      'sparegris/prod/origin-verify',
    );
  }
  for (const functionName of ['api-health', 'api-me-get', 'api-auth-login', 'api-hook-log']) {
    expect(resolvedResources(functionName, 'secretsmanager:GetSecretValue').join()).toContain(
      'secret:sparegris/prod/origin-verify-??????',
    );
  }
});
