import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Stage } from './stage.ts';

/** CloudFront-scoped WAF lives only in us-east-1, whatever region the rest of the app is in. */
export const edgeRegion = 'us-east-1';

/**
 * Requests one client IP may send to `/api/auth/*` in five minutes before WAF blocks it. Signup,
 * login, refresh and logout together stay far below this for real savers (a refresh every 15
 * minutes per tab); the login use case throttles per account on top of it.
 */
export const authRequestsPerFiveMinutes = 100;

/** AWS managed rule groups, cheapest first: known-bad IPs, then the OWASP-style common rules. */
const managedRuleGroups = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export interface EdgeStackProps extends StackProps {
  stage: Stage;
}

/**
 * The web ACL for the CloudFront distribution. It is its own small stack because WAF requires
 * CLOUDFRONT-scope ACLs to be created in us-east-1; the web stack in the app's region receives the
 * ACL's ARN through CDK's cross-region references (an SSM parameter written by this stack).
 */
export class EdgeStack extends Stack {
  readonly webAclArn: string;
  /** The ACL's name, which is also the `WebACL` dimension of its CloudWatch metrics in us-east-1. */
  readonly webAclName: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    if (this.region !== edgeRegion) {
      throw new Error(`The edge stack must be deployed to ${edgeRegion}, not ${this.region}`);
    }
    this.webAclName = `sparegris-${props.stage}-web`;
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });

    const authRateLimit: CfnWebACL.RuleProperty = {
      name: 'AuthRateLimit',
      priority: 0,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit: authRequestsPerFiveMinutes,
          evaluationWindowSec: 300,
          scopeDownStatement: {
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: 'STARTS_WITH',
              searchString: '/api/auth/',
              // Match the path the API will route, not its spelling: `/api/%61uth/`, `/api//auth/`
              // and `/API/AUTH/` must not slip past the limit.
              textTransformations: [
                { priority: 0, type: 'URL_DECODE' },
                { priority: 1, type: 'NORMALIZE_PATH' },
                { priority: 2, type: 'LOWERCASE' },
              ],
            },
          },
        },
      },
      visibilityConfig: visibility('AuthRateLimit'),
    };

    const acl = new CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      description: `Sparegris ${props.stage} web and API - auth rate limit and AWS managed rules`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.webAclName),
      rules: [
        authRateLimit,
        ...managedRuleGroups.map(
          (name, index): CfnWebACL.RuleProperty => ({
            name,
            priority: index + 1,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
            visibilityConfig: visibility(name),
          }),
        ),
      ],
    });
    this.webAclArn = acl.attrArn;
  }
}
