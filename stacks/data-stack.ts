import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDefinition } from '#store/table-definition';
import { isProduction, resourceNames, type Stage } from './stage.ts';

export interface DataStackProps extends StackProps {
  stage: Stage;
}

/** Stateful resources, deployed separately from the code and retained in production. */
export class DataStack extends Stack {
  readonly table: TableV2;
  readonly tokenKeys: Secret;
  readonly nordeaApp: Secret;
  readonly originVerify: Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const production = isProduction(props.stage);
    const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

    this.table = new TableV2(this, 'Table', {
      tableName: resourceNames(props.stage).table,
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      globalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
      })),
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: production,
      // An AWS-owned key: encrypted at rest at no cost or key policy to manage. Bank tokens, the one
      // secret material we hold per saver, live in Secrets Manager, not in this table.
      encryption: TableEncryptionV2.dynamoOwnedKey(),
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Its value is a JWK set an operator generates and puts (README: "Deploy"); until then the
    // auth functions fail closed with a 500 and no token is ever issued.
    this.tokenKeys = new Secret(this, 'TokenSigningKeys', {
      secretName: resourceNames(props.stage).tokenKeysSecret,
      description: 'Access-token signing keys: {"keys":[private JWK…],"activeKid":"…"}',
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.tokenKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Signing keys rotate by adding a key, activating it and removing the old one after the token lifetime (README), which keeps issued tokens valid; a Secrets Manager rotation Lambda would replace the set at once.',
    });

    // The Nordea app's client id, secret and QSealC signing key, set by the operator (README).
    this.nordeaApp = new Secret(this, 'NordeaApp', {
      secretName: resourceNames(props.stage).nordeaAppSecret,
      description: 'Nordea app credentials: {"clientId","clientSecret","signingKeyPem"}',
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.nordeaApp).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Nordea issues these credentials and the certificate; they change when Nordea or the QSealC certificate does, not on a schedule we control.',
    });

    // Generated here, never seen by anyone: CloudFront sends it to the API, which refuses requests
    // without it, so the execute-api URL cannot be used to go around the WAF (shared/http/origin.ts).
    this.originVerify = new Secret(this, 'OriginVerify', {
      secretName: resourceNames(props.stage).originVerifySecret,
      description: 'The x-origin-verify value CloudFront sends to the API',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.originVerify).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront takes the value at deploy time, so a rotation Lambda would break the API until the next deploy; rotate by putting a new value and deploying the web stack (README).',
    });
  }
}
