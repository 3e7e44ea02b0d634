import { expect, test } from 'vitest';
import { ConfigError, parseConfig } from '#config/env';

test('defaults make a local configuration', () => {
  expect(parseConfig({})).toEqual({
    STAGE: 'local',
    TABLE_NAME: 'sparegris',
    SERVICE_NAME: 'sparegris',
    WEB_ORIGIN: 'http://localhost:3000',
    JWT_SECRET_ID: 'sparegris/jwt-signing-keys',
    TOKEN_AUDIENCE: 'sparegris-api',
    NORDEA_BASE_URL: 'https://api.nordeaopenbanking.com/personal',
    NORDEA_ORIGINATING_HOST: 'api.nordeaopenbanking.com',
    NORDEA_COUNTRY: 'DK',
    NORDEA_SIGNATURE_MODE: 'rsa-sha256',
    NORDEA_APP_SECRET_ID: 'sparegris/nordea-app',
    BANK_TOKENS_SECRET_PREFIX: 'sparegris/bank-tokens',
    NORDEA_AIS_CALLS_PER_SECOND: 20,
    NORDEA_PIS_CALLS_PER_SECOND: 100,
  });
});

test('a function paced to a share of the bank limits reads it from the environment', () => {
  const shared = parseConfig({ NORDEA_AIS_CALLS_PER_SECOND: '3', NORDEA_PIS_CALLS_PER_SECOND: '20' });
  expect([shared.NORDEA_AIS_CALLS_PER_SECOND, shared.NORDEA_PIS_CALLS_PER_SECOND]).toEqual([3, 20]);
  expect(() => parseConfig({ NORDEA_AIS_CALLS_PER_SECOND: '21' })).toThrow(ConfigError);
});

test('invalid values are refused, naming the variable but not its value', () => {
  expect(() => parseConfig({ STAGE: 'staging', WEB_ORIGIN: 'secret-value' })).toThrow(ConfigError);
  try {
    parseConfig({ STAGE: 'staging', WEB_ORIGIN: 'secret-value' });
  } catch (error) {
    expect((error as Error).message).toContain('STAGE');
    expect((error as Error).message).toContain('WEB_ORIGIN');
    expect((error as Error).message).not.toContain('secret-value');
  }
});

test('the parsed configuration cannot be changed', () => {
  const config = parseConfig({ STAGE: 'prod', TABLE_NAME: 'sparegris-prod' });
  expect(Object.isFrozen(config)).toBe(true);
});
