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
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { AppFunction } from './constructs/app-function.ts';
import { type ApiRoute, apiRoutes, functionNameOf } from './definitions.ts';
import { isProduction, nordeaEndpoint, resourceNames, type Stage } from './stage.ts';

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
  /** Every API function, for monitoring (errors, throttles, latency). */
  readonly functions: AppFunction[] = [];

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

    const names = resourceNames(props.stage);
    const table = TableV2.fromTableName(this, 'Table', names.table);
    const tokenKeys = Secret.fromSecretNameV2(this, 'TokenSigningKeys', names.tokenKeysSecret);
    const nordeaApp = Secret.fromSecretNameV2(this, 'NordeaApp', names.nordeaAppSecret);
    const nordeaApi = nordeaEndpoint(props.stage);
    const environment = {
      STAGE: props.stage,
      TABLE_NAME: names.table,
      JWT_SECRET_ID: names.tokenKeysSecret,
      WEB_ORIGIN: props.webOrigin ?? this.node.tryGetContext('webOrigin') ?? 'http://localhost:3000',
      NORDEA_BASE_URL: nordeaApi.baseUrl,
      NORDEA_ORIGINATING_HOST: nordeaApi.originatingHost,
      NORDEA_APP_SECRET_ID: names.nordeaAppSecret,
      BANK_TOKENS_SECRET_PREFIX: names.bankTokensSecretPrefix,
    };
    const byEntry = new Map<string, AppFunction>();
    for (const route of props.routes ?? apiRoutes) {
      let appFunction = byEntry.get(route.entry);
      if (!appFunction) {
        appFunction = new AppFunction(this, functionNameOf(route.entry), {
          entry: route.entry,
          environment,
          logRetention,
          timeout: Duration.seconds(10),
          ...(route.files ? { files: route.files } : {}),
        });
        byEntry.set(route.entry, appFunction);
        this.functions.push(appFunction);
        if (route.access?.table) appFunction.bindTable(table, route.access.table);
        if (route.access?.tokenKeys) appFunction.bindSecret(tokenKeys);
        if (route.access?.bank) {
          appFunction.bindSecret(nordeaApp);
          appFunction.bindSecretPrefix(names.bankTokensSecretPrefix);
        }
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
}
