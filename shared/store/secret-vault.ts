import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { tracer } from '#observability/powertools';

const CACHE_MILLISECONDS = 5 * 60 * 1000;

/**
 * Secrets Manager behind a small cache: app keys are read once per cold start (and again after five
 * minutes, so rotations reach warm functions); bank tokens are written through on every refresh.
 */
export class SecretVault {
  private readonly cache = new Map<string, { value: string; readAt: number }>();

  constructor(
    private readonly client: SecretsManagerClient = tracer.captureAWSv3Client(new SecretsManagerClient({})),
    private readonly now: () => number = Date.now,
  ) {}

  /** The secret's current value, or undefined when there is no such secret. */
  async read(secretId: string, options: { fresh?: boolean } = {}): Promise<string | undefined> {
    const cached = this.cache.get(secretId);
    if (cached && !options.fresh && this.now() - cached.readAt < CACHE_MILLISECONDS) return cached.value;
    try {
      const { SecretString: value } = await this.client.send(
        new GetSecretValueCommand({ SecretId: secretId }),
      );
      if (value === undefined) return undefined;
      this.cache.set(secretId, { value, readAt: this.now() });
      return value;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  /** Writes a new current value, creating the secret if it does not exist yet. */
  async write(secretId: string, value: string): Promise<void> {
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await this.client.send(new CreateSecretCommand({ Name: secretId, SecretString: value }));
    }
    this.cache.set(secretId, { value, readAt: this.now() });
  }

  /** Deletes the secret at once (no recovery window): used when a saver unlinks or is erased. */
  async remove(secretId: string): Promise<void> {
    this.cache.delete(secretId);
    try {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
