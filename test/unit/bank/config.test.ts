import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildNordeaConfig,
  DEFAULT_NORDEA_PATHS,
  loadNordeaConfig,
  NORDEA_ENVIRONMENTS,
  NordeaConfigError,
  type NordeaSettings,
} from '#bank/config';

const settings: NordeaSettings = {
  ...NORDEA_ENVIRONMENTS.sandbox,
  country: 'DK',
  redirectUri: 'https://app.example/api/bank/callback',
  credentialsSecretName: 'sparegris/nordea',
};

function pem(modulusLength: number): string {
  return generateKeyPairSync('rsa', { modulusLength })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

describe('Nordea configuration', () => {
  it('reads credentials through the readSecret port and signs with keyId = client id', async () => {
    const requested: string[] = [];
    const config = await loadNordeaConfig(settings, async (name) => {
      requested.push(name);
      return JSON.stringify({ clientId: 'cid', clientSecret: 'secret', signingKeyPem: pem(2048) });
    });
    expect(requested).toEqual(['sparegris/nordea']);
    expect(config.baseUrl).toBe('https://api.nordeaopenbanking.com/personal');
    expect(config.originatingHost).toBe('api.nordeaopenbanking.com');
    expect(config.signer).toMatchObject({ mode: 'rsa-sha256', keyId: 'cid' });
    expect(config.paths).toEqual(DEFAULT_NORDEA_PATHS);
    expect(config.timeoutMs).toBe(10_000);
  });

  it('knows production', () => {
    expect(NORDEA_ENVIRONMENTS.production).toEqual({
      baseUrl: 'https://open.nordea.com/personal',
      originatingHost: 'open.nordea.com',
    });
  });

  it('merges path overrides over the defaults', () => {
    const config = buildNordeaConfig(
      { ...settings, signatureMode: 'sandbox-skip', paths: { confirmPayments: '/v5/payments/confirm' } },
      { clientId: 'c', clientSecret: 's' },
    );
    expect(config.paths.confirmPayments).toBe('/v5/payments/confirm');
    expect(config.paths.createDomesticPayment).toBe(DEFAULT_NORDEA_PATHS.createDomesticPayment);
    expect(config.signer).toEqual({ mode: 'sandbox-skip' });
  });

  it.each([
    ['a short RSA key', { clientId: 'c', clientSecret: 's', signingKeyPem: pem(1024) }],
    ['a non-PEM key', { clientId: 'c', clientSecret: 's', signingKeyPem: 'not a key' }],
    ['no key in signing mode', { clientId: 'c', clientSecret: 's' }],
    ['no client secret', { clientId: 'c', signingKeyPem: 'x' }],
  ])('refuses %s', (_name, credentials) => {
    expect(() => buildNordeaConfig(settings, credentials)).toThrow(NordeaConfigError);
  });

  it('refuses bad settings without echoing secret values', () => {
    expect(() =>
      buildNordeaConfig(
        { ...settings, baseUrl: 'ftp://x', paths: { accounts: 'no-slash' } },
        { clientId: 'c', clientSecret: 'hunter2' },
      ),
    ).toThrow(/baseUrl, paths.accounts/);
  });

  it('refuses a secret that is not JSON', async () => {
    await expect(loadNordeaConfig(settings, async () => 'clientId=c')).rejects.toThrow(NordeaConfigError);
  });
});
