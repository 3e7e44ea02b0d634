import { resolve } from 'node:path';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { nagResource } from './nag.ts';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');

export interface AppFunctionProps {
  /** Handler module relative to the repository root, as in `stacks/definitions.ts`. */
  entry: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout?: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  /** Files (relative to the repository root) copied beside the bundle. */
  files?: readonly string[];
}

/**
 * Every Lambda of Sparegris: Node.js 24 on ARM64, bundled by the local esbuild as ESM with source
 * maps, X-Ray tracing, its own log group with explicit retention, and a role that can write to that
 * log group and nothing else until a stack grants more.
 */
export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
      }),
    );
    this.function = new NodejsFunction(this, 'Function', {
      entry: resolve(repositoryRoot, props.entry),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: resolve(repositoryRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'sparegris',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // The whole SDK is bundled: one ESM file loads faster than the runtime's many CJS files.
        externalModules: [],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        tsconfig: resolve(repositoryRoot, 'tsconfig.json'),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            (props.files ?? []).map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
        },
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
    const logGroupId = Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnLogGroup);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:log-stream:*]`,
      reason:
        'Lambda creates log streams with generated names at run time, only inside this function’s own log group.',
    });
  }

  /** Grants item access to the table (and its indexes) and nothing else: no Scan, no table admin. */
  bindTable(table: ITableV2, access: 'read' | 'readWrite'): void {
    const read = [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
    ];
    const write = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    this.role.addToPolicy(
      new PolicyStatement({
        actions: access === 'read' ? read : [...read, ...write],
        resources: [table.tableArn, `${table.tableArn}/index/*`],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, table.tableArn)}/index/*]`,
      reason:
        'Queries on the table’s own global secondary indexes; the index names are part of the same table.',
    });
  }

  /** Read access to one secret, addressed by name (Secrets Manager appends a random 6-character suffix). */
  bindSecret(secret: ISecret): void {
    secret.grantRead(this.function);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, secret.secretArn)}-??????]`,
      reason:
        'The secret is referenced by name; "-??????" matches only the random suffix Secrets Manager adds.',
    });
  }

  /** Full use of the secrets under one name prefix (one per saver's bank consent), and no others. */
  bindSecretPrefix(prefix: string): void {
    const arn = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:DeleteSecret',
        ],
        resources: [arn],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, arn)}]`,
      reason:
        'One secret per saver’s bank consent, created at link time; the prefix holds those secrets only.',
    });
  }
}
