import { resolve } from 'node:path';
import { App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { AutomationStack } from './automation-stack.ts';
import { DataStack } from './data-stack.ts';
import { EdgeStack, edgeRegion } from './edge-stack.ts';
import { MonitoringStack } from './monitoring-stack.ts';
import { type Stage, stageFromContext } from './stage.ts';
import { type CustomDomain, WebStack } from './web-stack.ts';

export const defaultRegion = 'eu-north-1';

export interface SparegrisApp {
  app: App;
  stage: Stage;
  /** Where every stack but the edge stack is deployed. */
  region: string;
  data: DataStack;
  api: ApiStack;
  /** Scheduled jobs, queues and their workers. */
  automation: AutomationStack;
  edge: EdgeStack;
  web: WebStack;
  monitoring: MonitoringStack;
}

export interface BuildOptions {
  /** The built frontend; `stacks/main.ts` builds it fresh for every synth. */
  webBuildDir?: string;
}

/** `-c region=…`, the region of everything but the edge stack; eu-north-1 when not given. */
export function regionFromContext(app: App): string {
  const value = app.node.tryGetContext('region') ?? defaultRegion;
  if (typeof value !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) {
    throw new Error(
      `Invalid region "${String(value)}": pass -c region=<an AWS region, e.g. ${defaultRegion}>`,
    );
  }
  return value;
}

/** `-c domainName=… -c certificateArn=…` (both or neither): serve the app on its own domain. */
function customDomainFromContext(app: App): CustomDomain | undefined {
  const domainName = app.node.tryGetContext('domainName');
  const certificateArn = app.node.tryGetContext('certificateArn');
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (typeof domainName !== 'string' || typeof certificateArn !== 'string') {
    throw new Error('A custom domain needs both -c domainName=… and -c certificateArn=… (ACM, us-east-1)');
  }
  return { domainName, certificateArn };
}

/**
 * Builds the whole CDK app; cdk-nag's AwsSolutions pack checks it at synth.
 *
 * Every stack has an explicit region, because CloudFront's WAF ACL must live in us-east-1 while the
 * rest stays in the app's region, and CDK passes values between regions (crossRegionReferences)
 * only between stacks whose regions it knows. The account stays unresolved unless the CLI supplies
 * it (CDK_DEFAULT_ACCOUNT), so synth needs no credentials and no lookups.
 */
export function buildApp(app = new App(), options: BuildOptions = {}): SparegrisApp {
  const stage = stageFromContext(app);
  const region = regionFromContext(app);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const inRegion = (regionName: string): Environment => ({
    region: regionName,
    ...(account ? { account } : {}),
  });
  const env = inRegion(region);

  const data = new DataStack(app, `sparegris-${stage}-data`, { stage, env });
  const api = new ApiStack(app, `sparegris-${stage}-api`, { stage, env });
  const automation = new AutomationStack(app, `sparegris-${stage}-automation`, { stage, env });
  const edge = new EdgeStack(app, `sparegris-${stage}-edge`, { stage, env: inRegion(edgeRegion) });
  const customDomain = customDomainFromContext(app);
  const web = new WebStack(app, `sparegris-${stage}-web`, {
    stage,
    env,
    api: api.api,
    webAclArn: edge.webAclArn,
    webBuildDir: options.webBuildDir ?? resolve(import.meta.dirname, '..', 'web', 'dist'),
    ...(customDomain ? { customDomain } : {}),
  });
  const monitoring = new MonitoringStack(app, `sparegris-${stage}-monitoring`, {
    stage,
    env,
    api: api.api,
    functions: api.watch,
    automation: automation.watch,
    webAclName: edge.webAclName,
  });

  Tags.of(app).add('project', 'sparegris');
  Tags.of(app).add('stage', stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage, region, data, api, automation, edge, web, monitoring };
}
