import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '#local/aws-json-server';
import { startSecretsManager } from '#local/secrets-manager';

const dataFile = join(mkdtempSync(join(tmpdir(), 'sparegris-secrets-')), 'secrets.json');
let server: RunningServer;
let client: SecretsManagerClient;

const clientFor = (url: string) =>
  new SecretsManagerClient({
    endpoint: url,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

beforeAll(async () => {
  server = await startSecretsManager({ port: 0, file: dataFile });
  client = clientFor(server.url);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

describe('the Secrets Manager stand-in, through the real SDK client', () => {
  test('creates, reads and rotates a secret value', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'sparegris/jwt', SecretString: 'v1' }));
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:eu-north-1:\d{12}:secret:sparegris\/jwt-[0-9a-f]{6}$/,
    );

    const first = await client.send(new GetSecretValueCommand({ SecretId: 'sparegris/jwt' }));
    expect(first).toMatchObject({ SecretString: 'v1', VersionStages: ['AWSCURRENT'], Name: 'sparegris/jwt' });
    expect(first.CreatedDate).toBeInstanceOf(Date);

    await client.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'v2' }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'sparegris/jwt' }))).SecretString).toBe(
      'v2',
    );
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'sparegris/jwt', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('v1');

    const described = await client.send(new DescribeSecretCommand({ SecretId: 'sparegris/jwt' }));
    expect(
      Object.values(described.VersionIdsToStages ?? {})
        .flat()
        .sort(),
    ).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  });

  test('answers an unknown secret with ResourceNotFoundException', async () => {
    const read = client.send(new GetSecretValueCommand({ SecretId: 'sparegris/missing' }));
    await expect(read).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(read).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('refuses a second secret of the same name', async () => {
    await client.send(new CreateSecretCommand({ Name: 'sparegris/dup', SecretString: 'a' }));
    await expect(
      client.send(new CreateSecretCommand({ Name: 'sparegris/dup', SecretString: 'b' })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  test('treats a repeated ClientRequestToken as an idempotent retry', async () => {
    await client.send(new CreateSecretCommand({ Name: 'sparegris/bank-token', SecretString: 't1' }));
    const token = '00000000-0000-4000-8000-000000000001';
    const first = await client.send(
      new PutSecretValueCommand({
        SecretId: 'sparegris/bank-token',
        SecretString: 't2',
        ClientRequestToken: token,
      }),
    );
    const retry = await client.send(
      new PutSecretValueCommand({
        SecretId: 'sparegris/bank-token',
        SecretString: 't2',
        ClientRequestToken: token,
      }),
    );
    expect(retry.VersionId).toBe(first.VersionId);
    await expect(
      client.send(
        new PutSecretValueCommand({
          SecretId: 'sparegris/bank-token',
          SecretString: 'other',
          ClientRequestToken: token,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  test('deletes with a recovery window, or at once when forced', async () => {
    await client.send(new CreateSecretCommand({ Name: 'sparegris/scheduled', SecretString: 'x' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'sparegris/scheduled', RecoveryWindowInDays: 7 }));
    await expect(
      client.send(new GetSecretValueCommand({ SecretId: 'sparegris/scheduled' })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    expect(
      (await client.send(new DescribeSecretCommand({ SecretId: 'sparegris/scheduled' }))).DeletedDate,
    ).toBeInstanceOf(Date);

    await client.send(new CreateSecretCommand({ Name: 'sparegris/forced', SecretString: 'x' }));
    await client.send(
      new DeleteSecretCommand({ SecretId: 'sparegris/forced', ForceDeleteWithoutRecovery: true }),
    );
    await expect(
      client.send(new DescribeSecretCommand({ SecretId: 'sparegris/forced' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('persists to an owner-only file that a restarted stand-in reads back', async () => {
    expect(statSync(dataFile).mode & 0o777).toBe(0o600);
    const restarted = await startSecretsManager({ port: 0, file: dataFile });
    const other = clientFor(restarted.url);
    try {
      expect((await other.send(new GetSecretValueCommand({ SecretId: 'sparegris/jwt' }))).SecretString).toBe(
        'v2',
      );
    } finally {
      other.destroy();
      await restarted.close();
    }
  });
});
