import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  type HttpMethod,
  HttpRoute,
  HttpRouteKey,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AppFunction, appResources } from './constructs/app-function.ts';
import { type ApiRoute, apiRoutes, functionNameOf, queueUrlVariables } from './definitions.ts';
import { isProduction, resourceNames, type Stage } from './stage.ts';

export interface ApiStackProps extends StackProps {
  stage: Stage;
  /**
   * The app's public origin (`-c webOrigin=https://…`, the host registered with Nordea); the bank
   * redirects savers to `<webOrigin>/api/bank/callback`.
   */
  webOrigin?: string;
  routes?: readonly ApiRoute[];
}

/** The HTTP API and one function per handler module, from the route table in definitions.ts. */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  /** Every API function. */
  readonly functions: AppFunction[] = [];
  /**
   * What the monitoring stack watches: construct id and physical name of every function, as plain
   * strings, so no export ties the stacks together and removing a function takes one deploy.
   */
  readonly watch: { id: string; functionName: string }[] = [];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const production = isProduction(props.stage);
    const logRetention = production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention });
    this.api = new HttpApi(this, 'HttpApi', {
      description: `Sparegris saver API (${props.stage})`,
      createDefaultStage: false,
    });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      // Who called what and how it went; never bodies, tokens or cookies.
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const resources = appResources(this, props.stage, props.webOrigin);
    // Every API function refuses requests that did not come through CloudFront (shared/http/origin.ts).
    const originVerifySecret = resourceNames(props.stage).originVerifySecret;
    const originVerify = Secret.fromSecretNameV2(this, 'OriginVerify', originVerifySecret);
    const byEntry = new Map<string, AppFunction>();
    for (const route of props.routes ?? apiRoutes) {
      let appFunction = byEntry.get(route.entry);
      if (!appFunction) {
        const id = functionNameOf(route.entry);
        const functionName = resourceNames(props.stage).function(id);
        appFunction = new AppFunction(this, id, {
          entry: route.entry,
          functionName,
          environment: { ...resources.environment, ORIGIN_VERIFY_SECRET_ID: originVerifySecret },
          logRetention,
          timeout: Duration.seconds(10),
          ...(route.files ? { files: route.files } : {}),
        });
        byEntry.set(route.entry, appFunction);
        this.functions.push(appFunction);
        this.watch.push({ id, functionName });
        appFunction.grantAccess(route.access, resources);
        appFunction.bindSecret(originVerify);
        for (const queueName of route.sendsTo ?? []) this.sendTo(appFunction, queueName, props.stage);
      }
      const integration = new HttpLambdaIntegration(
        `${functionNameOf(route.entry)}-integration`,
        appFunction.function,
      );
      const [method = '', path = ''] = route.routeKey.split(' ');
      const routeKey =
        route.routeKey === '$default' ? HttpRouteKey.DEFAULT : HttpRouteKey.with(path, method as HttpMethod);
      const httpRoute = new HttpRoute(this, `Route ${route.routeKey}`, {
        httpApi: this.api,
        routeKey,
        integration,
      });
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Authorization is enforced in the function: its middleware verifies our ES256 access tokens (pinned alg, iss, aud, exp); health and the 404 default route are public by design.',
      });
    }
  }

  /**
   * Lets an API function send to an automation queue, found by its fixed name (the automation stack
   * owns it), so the two stacks share no CloudFormation export.
   */
  private sendTo(appFunction: AppFunction, queueName: string, stage: Stage): void {
    const variable = queueUrlVariables[queueName];
    if (!variable) throw new Error(`An API route sends to "${queueName}", which is not a work queue`);
    const id = `${queueName}-queue`;
    const queue =
      (this.node.tryFindChild(id) as IQueue | undefined) ??
      Queue.fromQueueArn(
        this,
        id,
        this.formatArn({ service: 'sqs', resource: resourceNames(stage).queue(queueName) }),
      );
    queue.grantSendMessages(appFunction.function);
    appFunction.function.addEnvironment(variable, queue.queueUrl);
  }
}
