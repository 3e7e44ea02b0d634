import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  type ResponseCustomHeader,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '#http/edge-headers';
import { nagResource } from './constructs/nag.ts';
import { webSecurityHeaders } from './definitions.ts';
import { isProduction, resourceNames, type Stage } from './stage.ts';

export interface CustomDomain {
  domainName: string;
  /** An ACM certificate for `domainName` in us-east-1 (CloudFront reads certificates only there). */
  certificateArn: string;
}

export interface WebStackProps extends StackProps {
  stage: Stage;
  api: IHttpApi;
  /** The CLOUDFRONT-scope WAF web ACL (from the edge stack in us-east-1). */
  webAclArn: string;
  /** The built frontend (`vite build` output) with an `index.html` at its top. */
  webBuildDir: string;
  /** Without one, the distribution is reached at its `*.cloudfront.net` name. */
  customDomain?: CustomDomain;
}

/** Headers CloudFront sets through its typed security-header settings; all others are custom headers. */
const securityHeaderNames = new Set([
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
]);

function securityHeader(headers: Readonly<Record<string, string>>, name: string): string {
  const value = headers[name];
  if (value === undefined) throw new Error(`webSecurityHeaders has no ${name}`);
  return value;
}

function strictTransportSecurityOf(
  value: string,
): ResponseSecurityHeadersBehavior['strictTransportSecurity'] {
  const directives = value.split(';').map((directive) => directive.trim());
  const maxAge = /^max-age=(\d+)$/.exec(directives[0] ?? '')?.[1];
  const flags = new Set(directives.slice(1));
  const unknown = [...flags].filter((flag) => flag !== 'includeSubDomains' && flag !== 'preload');
  if (maxAge === undefined || unknown.length > 0) throw new Error(`Unsupported HSTS value "${value}"`);
  return {
    accessControlMaxAge: Duration.seconds(Number(maxAge)),
    includeSubdomains: flags.has('includeSubDomains'),
    preload: flags.has('preload'),
    override: true,
  };
}

function enumValue<T extends string>(values: Record<string, T>, value: string, name: string): T {
  const found = Object.values(values).find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`Unsupported ${name} value "${value}"`);
  return found;
}

/**
 * CloudFront's rendering of `webSecurityHeaders`, the very values the local static server sends, so
 * the two cannot drift apart. `override` makes the policy win over anything an origin sends.
 */
export function responseHeadersFrom(headers: Readonly<Record<string, string>>): {
  securityHeadersBehavior: ResponseSecurityHeadersBehavior;
  customHeaders: ResponseCustomHeader[];
} {
  if (securityHeader(headers, 'x-content-type-options') !== 'nosniff') {
    throw new Error('CloudFront can only send X-Content-Type-Options: nosniff');
  }
  return {
    securityHeadersBehavior: {
      contentSecurityPolicy: {
        contentSecurityPolicy: securityHeader(headers, 'content-security-policy'),
        override: true,
      },
      strictTransportSecurity: strictTransportSecurityOf(
        securityHeader(headers, 'strict-transport-security'),
      ),
      contentTypeOptions: { override: true },
      frameOptions: {
        frameOption: enumValue(
          HeadersFrameOption,
          securityHeader(headers, 'x-frame-options').toUpperCase(),
          'X-Frame-Options',
        ),
        override: true,
      },
      referrerPolicy: {
        referrerPolicy: enumValue(
          HeadersReferrerPolicy,
          securityHeader(headers, 'referrer-policy'),
          'Referrer-Policy',
        ),
        override: true,
      },
    },
    customHeaders: Object.entries(headers)
      .filter(([name]) => !securityHeaderNames.has(name))
      .map(([header, value]) => ({ header, value, override: true })),
  };
}

/**
 * App routes (`/goals/123`) get `index.html` and the SPA routes itself; paths naming a file
 * (`/assets/index-abc.js`, `/favicon.svg`) are served as they are. It runs on the default behavior
 * only, so `/api/*` answers, 404s included, come from the API untouched.
 */
const spaFallbackCode = `
function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/** Sets ${VIEWER_ADDRESS_HEADER} to the address CloudFront saw, whatever the viewer sent in it. */
const viewerAddressCode = `
function handler(event) {
  event.request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };
  return event.request;
}`;

/**
 * The saver-facing edge: one CloudFront distribution serving the built frontend from a private S3
 * bucket and `/api/*` from the HTTP API, so the app and its API share one origin (SameSite=Strict
 * cookies, no CORS). Behind the WAF web ACL of the edge stack.
 */
export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    if (!existsSync(join(props.webBuildDir, 'index.html'))) {
      throw new Error(
        `No web build at ${props.webBuildDir} (index.html missing): run \`npm run build:web\`; \`npx cdk synth\` builds it itself.`,
      );
    }
    const production = isProduction(props.stage);
    const removal = production
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    // Standard CloudFront logging writes with object ACLs, so this bucket keeps ACLs enabled
    // (owner-preferred); it is still private and blocks every form of public access.
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(production ? 365 : 30) }],
      ...removal,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own access into itself would loop.',
    });

    const site = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3-site/',
      ...removal,
    });

    const responseHeaders = responseHeadersFrom(webSecurityHeaders);
    const headersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Sparegris security headers (stacks/definitions.ts webSecurityHeaders)',
      securityHeadersBehavior: responseHeaders.securityHeadersBehavior,
      customHeadersBehavior: { customHeaders: responseHeaders.customHeaders },
    });

    const spaFallback = new EdgeFunction(this, 'SpaFallback', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'App routes get index.html; files and /api/* pass through',
      code: FunctionCode.fromInline(spaFallbackCode),
    });

    // API Gateway's sourceIp is CloudFront's, so login throttling and the PSU address sent to Nordea
    // need the viewer's; CloudFront-Viewer-Address would need an allow-list policy, which cannot
    // forward Authorization, so a function stamps it (overwriting any value the viewer sent).
    const viewerAddress = new EdgeFunction(this, 'ViewerAddress', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Stamps the viewer IP on API requests',
      code: FunctionCode.fromInline(viewerAddressCode),
    });
    // The API refuses requests without this value, so its execute-api URL cannot bypass the WAF. A
    // dynamic reference: the value stays in Secrets Manager, never in the template.
    const originVerify = SecretValue.secretsManager(resourceNames(props.stage).originVerifySecret);

    // https://<id>.execute-api.<region>.amazonaws.com → the host name, the origin CloudFront calls.
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const domain = props.customDomain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Sparegris ${props.stage}`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Savers are in the Nordics: Europe and North America edges are enough and cost least.
      priceClass: PriceClass.PRICE_CLASS_100,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headersPolicy,
        compress: true,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
            customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerify.unsafeUnwrap() },
          }),
          // An API call over plain HTTP is refused, not redirected: a redirect would turn a POST
          // into a GET and hide the client's mistake. The SPA itself only ever calls over HTTPS.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Everything the handlers read (Authorization, cookies, query strings, the stamped viewer
          // address) except Host, which must stay the execute-api name for API Gateway to route it.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: viewerAddress, eventType: FunctionEventType.VIEWER_REQUEST }],
          responseHeadersPolicy: headersPolicy,
        },
      },
    });
    if (!domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose TLS policy CloudFront fixes; with -c domainName/certificateArn it gets TLSv1.2_2021.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: savers use the app while travelling (their goals are often trips); WAF IP reputation and rate rules handle abuse.',
    });

    // Hashed assets are immutable and never pruned, so a tab still running the previous build can
    // load its chunks; everything else is revalidated on every request. Pages go up after assets,
    // so no index.html ever names a chunk that is not there yet.
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Its own role instead of CDK's default: no AWS-managed policy, and logs only to its log group.
    const deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    deploymentRole.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [deploymentLogs.logGroupArn, `${deploymentLogs.logGroupArn}:log-stream:*`],
      }),
    );
    const build = Source.asset(props.webBuildDir);
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [build],
      destinationBucket: site,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      logGroup: deploymentLogs,
      role: deploymentRole,
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      sources: [build],
      destinationBucket: site,
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup: deploymentLogs,
      role: deploymentRole,
    });
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentFindings(assets, deploymentRole, deploymentLogs, site);

    this.url = domain
      ? `https://${domain.domainName}`
      : `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'Url', { value: this.url, description: 'The Sparegris web app and API (/api)' });
  }

  /** What aws-cdk-lib's BucketDeployment grants its function, acknowledged one finding at a time. */
  private acknowledgeDeploymentFindings(
    deployment: BucketDeployment,
    role: Role,
    logGroup: LogGroup,
    site: Bucket,
  ): void {
    const sourceAsset = deployment.node.findAll().find((child) => child instanceof Asset);
    if (!(sourceAsset instanceof Asset)) throw new Error('BucketDeployment created no source asset');
    const wildcards: [finding: string, reason: string][] = [
      ['Action::s3:GetObject*', 'CDK grantRead: reads the build archive from the CDK asset bucket.'],
      ['Action::s3:GetBucket*', 'CDK grantRead/grantReadWrite: bucket location and versioning for the copy.'],
      [
        'Action::s3:List*',
        'CDK grantRead/grantReadWrite: lists the site bucket to prune files no build has.',
      ],
      ['Action::s3:DeleteObject*', 'CDK grantReadWrite on the site bucket only: prunes files of old builds.'],
      ['Action::s3:Abort*', 'CDK grantReadWrite on the site bucket only: aborts failed multipart uploads.'],
      [
        `Resource::${nagResource(this, sourceAsset.bucket.bucketArn)}/*`,
        'The CDK bootstrap asset bucket holds the build archive under a content-hashed key known only at deploy.',
      ],
      [
        `Resource::${nagResource(this, site.bucketArn)}/*`,
        'The site bucket is written as a whole: it holds the build.',
      ],
      [
        'Resource::*',
        'Only cloudfront:CreateInvalidation/GetInvalidation, which BucketDeployment grants on *; the function invalidates just this distribution, named in its deploy request.',
      ],
      [
        `Resource::${nagResource(this, logGroup.logGroupArn)}:log-stream:*`,
        'Lambda creates log streams with generated names, only inside the deployment function’s own log group.',
      ],
    ];
    for (const [finding, reason] of wildcards) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    // BucketDeployment's singleton function sits at stack level; it is the one that runs as `role`.
    const handler = this.node.children.find(
      (child): child is LambdaFunction => child instanceof LambdaFunction && child.role === role,
    );
    if (!handler) throw new Error('No BucketDeployment function runs as the deployment role');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The runtime of BucketDeployment’s function is chosen by aws-cdk-lib (it matches its bundled AWS CLI layer); it runs only during deploys.',
    });
  }
}
