import { randomBytes, randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  createAwsJsonServer,
  listen,
  type RunningServer,
  requireString,
} from './aws-json-server.ts';
import { readJsonFile, writeJsonFile } from './json-file.ts';

interface SecretVersion {
  versionId: string;
  secretString?: string;
  secretBinary?: string;
  createdDate: number;
  stages: string[];
}

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  createdDate: number;
  lastChangedDate: number;
  deletedDate?: number;
  versions: SecretVersion[];
}

const ACCOUNT_ID = '000000000000';
const epochSeconds = () => Date.now() / 1000;

/**
 * A Secrets Manager stand-in for the operations Sparegris uses, with the real error names, persisted
 * to a 0600 JSON file so secrets survive restarts of the local system.
 */
export class LocalSecretsManager {
  private readonly secrets: Map<string, StoredSecret>;

  constructor(
    private readonly file: string | undefined,
    private readonly region = 'eu-north-1',
  ) {
    const stored = file ? readJsonFile<StoredSecret[]>(file, []) : [];
    this.secrets = new Map(stored.map((secret) => [secret.name, secret]));
  }

  private persist(): void {
    if (this.file) writeJsonFile(this.file, [...this.secrets.values()]);
  }

  private find(secretId: string, options: { includeDeleted?: boolean } = {}): StoredSecret {
    const secret =
      this.secrets.get(secretId) ??
      [...this.secrets.values()].find((candidate) => candidate.arn === secretId);
    if (secret === undefined) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    if (secret.deletedDate !== undefined && !options.includeDeleted) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }

  private static value(input: Record<string, unknown>): Pick<SecretVersion, 'secretString' | 'secretBinary'> {
    if (typeof input.SecretString === 'string') return { secretString: input.SecretString };
    if (typeof input.SecretBinary === 'string') return { secretBinary: input.SecretBinary };
    throw new AwsServiceError(
      'InvalidParameterException',
      'You must provide either SecretString or SecretBinary.',
    );
  }

  private addVersion(secret: StoredSecret, input: Record<string, unknown>): SecretVersion {
    const value = LocalSecretsManager.value(input);
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
    const existing = secret.versions.find((version) => version.versionId === token);
    if (existing) {
      // Same token, same value: an idempotent retry. Same token, other value: a conflict, as in AWS.
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary)
        return existing;
      throw new AwsServiceError(
        'ResourceExistsException',
        'A version with this ClientRequestToken already exists.',
      );
    }
    for (const version of secret.versions) {
      version.stages = version.stages.filter((stage) => stage === 'AWSCURRENT');
      if (version.stages.includes('AWSCURRENT')) version.stages = ['AWSPREVIOUS'];
    }
    // Only the current and previous versions are kept, as AWS deprecates the rest.
    secret.versions = secret.versions.filter((version) => version.stages.length > 0);
    const version: SecretVersion = {
      versionId: token,
      ...value,
      createdDate: epochSeconds(),
      stages: ['AWSCURRENT'],
    };
    secret.versions.push(version);
    secret.lastChangedDate = version.createdDate;
    return version;
  }

  readonly operations = {
    CreateSecret: (input: Record<string, unknown>) => {
      const name = requireString(input, 'Name');
      if (this.secrets.has(name)) {
        throw new AwsServiceError(
          'ResourceExistsException',
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      const now = epochSeconds();
      const secret: StoredSecret = {
        arn: `arn:aws:secretsmanager:${this.region}:${ACCOUNT_ID}:secret:${name}-${randomBytes(3).toString('hex')}`,
        name,
        ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
        createdDate: now,
        lastChangedDate: now,
        versions: [],
      };
      const version = this.addVersion(secret, input);
      this.secrets.set(name, secret);
      this.persist();
      return { ARN: secret.arn, Name: name, VersionId: version.versionId };
    },

    GetSecretValue: (input: Record<string, unknown>) => {
      const secret = this.find(requireString(input, 'SecretId'));
      const versionId = typeof input.VersionId === 'string' ? input.VersionId : undefined;
      const stage = typeof input.VersionStage === 'string' ? input.VersionStage : 'AWSCURRENT';
      const version = secret.versions.find((candidate) =>
        versionId ? candidate.versionId === versionId : candidate.stages.includes(stage),
      );
      if (version === undefined) {
        throw new AwsServiceError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret value for the requested version or staging label.",
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        VersionStages: version.stages,
        CreatedDate: version.createdDate,
        ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
        ...(version.secretBinary === undefined ? {} : { SecretBinary: version.secretBinary }),
      };
    },

    PutSecretValue: (input: Record<string, unknown>) => {
      const secret = this.find(requireString(input, 'SecretId'));
      const version = this.addVersion(secret, input);
      this.persist();
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        VersionStages: version.stages,
      };
    },

    DescribeSecret: (input: Record<string, unknown>) => {
      const secret = this.find(requireString(input, 'SecretId'), { includeDeleted: true });
      return {
        ARN: secret.arn,
        Name: secret.name,
        ...(secret.description === undefined ? {} : { Description: secret.description }),
        CreatedDate: secret.createdDate,
        LastChangedDate: secret.lastChangedDate,
        ...(secret.deletedDate === undefined ? {} : { DeletedDate: secret.deletedDate }),
        VersionIdsToStages: Object.fromEntries(
          secret.versions.map((version) => [version.versionId, version.stages]),
        ),
      };
    },

    DeleteSecret: (input: Record<string, unknown>) => {
      const secret = this.find(requireString(input, 'SecretId'), { includeDeleted: true });
      const force = input.ForceDeleteWithoutRecovery === true;
      if (force && input.RecoveryWindowInDays !== undefined) {
        throw new AwsServiceError(
          'InvalidParameterException',
          'You cannot use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.',
        );
      }
      const windowDays = typeof input.RecoveryWindowInDays === 'number' ? input.RecoveryWindowInDays : 30;
      if (!force && (windowDays < 7 || windowDays > 30)) {
        throw new AwsServiceError(
          'InvalidParameterException',
          'RecoveryWindowInDays must be between 7 and 30.',
        );
      }
      const now = epochSeconds();
      if (force) this.secrets.delete(secret.name);
      else secret.deletedDate = now;
      this.persist();
      return { ARN: secret.arn, Name: secret.name, DeletionDate: force ? now : now + windowDays * 86_400 };
    },

    RestoreSecret: (input: Record<string, unknown>) => {
      const secret = this.find(requireString(input, 'SecretId'), { includeDeleted: true });
      delete secret.deletedDate;
      this.persist();
      return { ARN: secret.arn, Name: secret.name };
    },
  };
}

export async function startSecretsManager(options: { port: number; file?: string }): Promise<RunningServer> {
  const store = new LocalSecretsManager(options.file);
  const server = createAwsJsonServer({
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    operations: store.operations,
  });
  return listen(server, options.port);
}
