import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { describe, expect, test } from 'vitest';
import { buildApp } from '#stacks/app';
import { webSecurityHeaders } from '#stacks/definitions';
import { authRequestsPerFiveMinutes } from '#stacks/edge-stack';
import { responseHeadersFrom } from '#stacks/web-stack';
import { testApp, webBuildFixture } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Behavior = Record<string, unknown> & { PathPattern?: string; TargetOriginId: string };
type Origin = Record<string, unknown> & { Id: string };

const only = (resources: Record<string, unknown>): [string, Resource] => {
  const entries = Object.entries(resources) as [string, Resource][];
  expect(entries).toHaveLength(1);
  return entries[0] as [string, Resource];
};

describe('the web stack', () => {
  const dev = testApp();
  const web = Template.fromStack(dev.web);
  /** The CloudFront function whose comment mentions `about`. */
  const cloudFrontFunction = (about: string): [string, Resource] => {
    const found = Object.entries(web.findResources('AWS::CloudFront::Function')).find(([, fn]) =>
      JSON.stringify((fn as Resource).Properties.FunctionConfig).includes(about),
    );
    expect(found).toBeDefined();
    return found as [string, Resource];
  };
  const edge = Template.fromStack(dev.edge);
  const [distributionId, distribution] = only(web.findResources('AWS::CloudFront::Distribution'));
  const config = distribution.Properties.DistributionConfig as {
    Origins: Origin[];
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    CustomErrorResponses?: unknown;
    Logging?: unknown;
    ViewerCertificate?: unknown;
    WebACLId: unknown;
  };
  const [siteId] = Object.entries(web.findResources('AWS::S3::Bucket')).find(
    ([, bucket]) => (bucket as Resource).Properties.LoggingConfiguration !== undefined,
  ) as [string, Resource];

  test('the site bucket is private, TLS-only and encrypted, and no bucket is a website', () => {
    web.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      WebsiteConfiguration: Match.absent(),
    });
    web.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: siteId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('CloudFront reads the bucket through Origin Access Control, and only this distribution may', () => {
    const [oacId] = only(
      web.findResources('AWS::CloudFront::OriginAccessControl', {
        Properties: {
          OriginAccessControlConfig: Match.objectLike({
            OriginAccessControlOriginType: 's3',
            SigningBehavior: 'always',
            SigningProtocol: 'sigv4',
          }),
        },
      }),
    );
    const s3Origin = config.Origins.find((origin) => origin.S3OriginConfig !== undefined);
    expect(s3Origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3Origin?.Id);

    const [, sitePolicy] = only(
      web.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: siteId } } }),
    );
    const statements = (sitePolicy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    const cloudFrontRead = allows.filter(
      (statement) =>
        JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' }),
    );
    expect(cloudFrontRead).toHaveLength(1);
    expect(cloudFrontRead[0]).toMatchObject({
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(cloudFrontRead[0]?.Condition)).toContain(distributionId);
    // Nothing else may read it: the only other allows are CDK's own (auto-delete in dev), by role.
    for (const statement of allows) expect(statement.Principal).not.toEqual({ AWS: '*' });
    expect(JSON.stringify(statements)).not.toContain('"Principal":"*"');
  });

  test('/api/* goes to the HTTP API uncached, with every viewer header but Host, cookies and query strings', () => {
    const apiBehavior = config.CacheBehaviors.find((behavior) => behavior.PathPattern === '/api/*');
    expect(apiBehavior).toMatchObject({
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
    const apiOrigin = config.Origins.find((origin) => origin.Id === apiBehavior?.TargetOriginId);
    expect(apiOrigin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    // The execute-api host name, taken from the API's endpoint URL (https://<id>.execute-api.…).
    expect(apiOrigin?.DomainName).toMatchObject({
      'Fn::Select': [2, { 'Fn::Split': ['/', expect.anything()] }],
    });
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain('HttpApi');
  });

  test('CloudFront proves itself to the API with the origin-verify secret, by reference only', () => {
    const apiBehavior = config.CacheBehaviors.find((behavior) => behavior.PathPattern === '/api/*');
    const apiOrigin = config.Origins.find((origin) => origin.Id === apiBehavior?.TargetOriginId);
    expect(apiOrigin?.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'x-origin-verify',
        HeaderValue: '{{resolve:secretsmanager:sparegris/dev/origin-verify:SecretString:::}}',
      },
    ]);
    // The S3 origin gets no such header: only the API checks it.
    const siteOrigin = config.Origins.find(
      (origin) => origin.Id === config.DefaultCacheBehavior.TargetOriginId,
    );
    expect(siteOrigin?.OriginCustomHeaders).toBeUndefined();
  });

  test('the app is served over HTTPS (HTTP redirects), compressed, with index.html for app routes only', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
      Compress: true,
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: expect.anything() }],
    });
    // Distribution-wide error pages would turn API 404s and 403s into index.html: there are none.
    expect(config.CustomErrorResponses).toBeUndefined();
    // The API behavior runs only the viewer-address function, never the SPA fallback.
    const apiBehavior = config.CacheBehaviors.find((behavior) => behavior.PathPattern === '/api/*');
    expect(apiBehavior?.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [cloudFrontFunction('viewer IP')[0], 'FunctionARN'] },
      },
    ]);
  });

  test('the SPA fallback rewrites app routes to /index.html and leaves files alone', () => {
    const [, fallback] = cloudFrontFunction('index.html');
    expect(fallback.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
    const handler = new Function(
      `${fallback.Properties.FunctionCode as string}; return handler;`,
    )() as (event: { request: { uri: string } }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/goals/123')).toBe('/index.html');
    expect(rewrite('/settings/')).toBe('/index.html');
    expect(rewrite('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
    expect(rewrite('/favicon.svg')).toBe('/favicon.svg');
  });

  test('API requests carry the viewer IP CloudFront saw, whatever the viewer sent in that header', () => {
    const [, stamp] = cloudFrontFunction('viewer IP');
    expect(stamp.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
    type Headers = Record<string, { value: string }>;
    const handler = new Function(`${stamp.Properties.FunctionCode as string}; return handler;`)() as (event: {
      viewer: { ip: string };
      request: { headers: Headers };
    }) => { headers: Headers };
    const forged = { 'x-viewer-address': { value: '10.0.0.1' }, authorization: { value: 'Bearer t' } };
    expect(handler({ viewer: { ip: '198.51.100.7' }, request: { headers: forged } }).headers).toEqual({
      'x-viewer-address': { value: '198.51.100.7' },
      authorization: { value: 'Bearer t' },
    });
  });

  test('every response carries exactly the security headers the local server sends', () => {
    const [policyId, policy] = only(web.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const { SecurityHeadersConfig: security, CustomHeadersConfig: custom } = policy.Properties
      .ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { ContentSecurityPolicy: string; Override: boolean };
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: number;
          IncludeSubdomains: boolean;
          Preload: boolean;
          Override: boolean;
        };
        ContentTypeOptions: { Override: boolean };
        FrameOptions: { FrameOption: string; Override: boolean };
        ReferrerPolicy: { ReferrerPolicy: string; Override: boolean };
      };
      CustomHeadersConfig: { Items: { Header: string; Value: string; Override: boolean }[] };
    };
    const hsts = security.StrictTransportSecurity;
    const sent: Record<string, string> = {
      'content-security-policy': security.ContentSecurityPolicy.ContentSecurityPolicy,
      'strict-transport-security': [
        `max-age=${hsts.AccessControlMaxAgeSec}`,
        ...(hsts.IncludeSubdomains ? ['includeSubDomains'] : []),
        ...(hsts.Preload ? ['preload'] : []),
      ].join('; '),
      'x-content-type-options': 'nosniff',
      'x-frame-options': security.FrameOptions.FrameOption,
      'referrer-policy': security.ReferrerPolicy.ReferrerPolicy,
      ...Object.fromEntries(custom.Items.map((item) => [item.Header, item.Value])),
    };
    expect(sent).toEqual(webSecurityHeaders);
    for (const header of [
      security.ContentSecurityPolicy,
      hsts,
      security.ContentTypeOptions,
      security.FrameOptions,
      security.ReferrerPolicy,
      ...custom.Items,
    ]) {
      expect(header.Override).toBe(true);
    }
    // On the app and on the API alike.
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    for (const behavior of config.CacheBehaviors)
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  test('header values CloudFront cannot send are refused at synth, not at deploy', () => {
    expect(() => responseHeadersFrom({ ...webSecurityHeaders, 'x-frame-options': 'ALLOW-FROM x' })).toThrow(
      /X-Frame-Options/,
    );
    expect(() =>
      responseHeadersFrom({ ...webSecurityHeaders, 'strict-transport-security': 'max-age=1; x' }),
    ).toThrow(/HSTS/);
    const { 'referrer-policy': _dropped, ...withoutReferrerPolicy } = webSecurityHeaders;
    expect(() => responseHeadersFrom(withoutReferrerPolicy)).toThrow(/referrer-policy/);
  });

  test('the distribution is behind the edge stack’s WAF ACL and logs to the access-log bucket', () => {
    // The ARN arrives through CDK's cross-region reader (an SSM parameter written in us-east-1).
    const [readerId] = only(web.findResources('Custom::CrossRegionExportReader'));
    expect(config.WebACLId).toMatchObject({ 'Fn::GetAtt': [readerId, expect.any(String)] });
    edge.hasResourceProperties('Custom::CrossRegionExportWriter', {
      WriterProps: { region: 'eu-north-1', exports: Match.objectLike({}) },
    });
    const logsId = Object.keys(web.findResources('AWS::S3::Bucket')).find((id) => id !== siteId);
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logsId, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    web.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 's3-site/' },
    });
  });

  test('the WAF ACL rate-limits /api/auth/ per IP and runs the AWS managed rule groups', () => {
    const [, acl] = only(edge.findResources('AWS::WAFv2::WebACL'));
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const rules = acl.Properties.Rules as Record<string, unknown>[];
    const rateRule = rules.find((rule) => rule.Name === 'AuthRateLimit');
    expect(rateRule).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: authRequestsPerFiveMinutes,
          EvaluationWindowSec: 300,
          ScopeDownStatement: {
            ByteMatchStatement: {
              FieldToMatch: { UriPath: {} },
              PositionalConstraint: 'STARTS_WITH',
              SearchString: '/api/auth/',
            },
          },
        },
      },
    });
    for (const name of [
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
    ]) {
      expect(rules).toContainEqual(
        expect.objectContaining({
          OverrideAction: { None: {} },
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
        }),
      );
    }
    expect(new Set(rules.map((rule) => rule.Priority)).size).toBe(rules.length);
  });

  test('the distribution URL is an output', () => {
    web.hasOutput('Url', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
    });
  });

  test('the build is deployed: hashed assets immutable and kept, pages revalidated and invalidated', () => {
    const deployments = Object.values(web.findResources('Custom::CDKBucketDeployment')) as Resource[];
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((deployment) => deployment.Properties.Prune === false);
    const pages = deployments.find((deployment) => deployment.Properties.Prune !== false);
    expect(assets?.Properties).toMatchObject({
      Include: ['assets/*'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(pages?.Properties).toMatchObject({
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/*'],
    });
    web.resourceCountIs('AWS::Logs::LogGroup', 1);
    web.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('without a custom domain it uses the default certificate; with one, TLS 1.2 (2021) at least', () => {
    expect(config.ViewerCertificate).toBeUndefined();
    const withDomain = testApp({
      domainName: 'app.sparegris.example',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    });
    Template.fromStack(withDomain.web).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['app.sparegris.example'],
        ViewerCertificate: Match.objectLike({
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        }),
      }),
    });
    expect(withDomain.web.url).toBe('https://app.sparegris.example');
    expect(() => withDomain.app.synth()).not.toThrow();
    expect(() => testApp({ domainName: 'app.sparegris.example' })).toThrow(/certificateArn/);
  });

  test('dev buckets are emptied and removed with the stack; prod buckets are retained', () => {
    web.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    const prod = Template.fromStack(testApp({ stage: 'prod' }).web);
    prod.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    prod.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    prod.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('a missing web build fails with what to run', () => {
    const empty = webBuildFixture();
    rmSync(join(empty, 'index.html'));
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => buildApp(app, { webBuildDir: empty })).toThrow(/index.html missing.*npm run build:web/);
  });
});
