import { describe, expect, it } from 'vitest';
import type { BankTokenSet } from '#bank/authorization';
import { BankConnection, type TokenRefresher, type TokenStore } from '#bank/connection';
import {
  BankAuthExpiredError,
  BankConsentRevokedError,
  BankValidationError,
  TokenPersistenceError,
} from '#bank/errors';
import { type RequestContext, UNATTENDED } from '#bank/transport';

const NOW = Date.parse('2024-02-01T10:00:00Z');

function tokens(generation: number, expiresInMs: number): BankTokenSet {
  return {
    accessToken: `access-${generation}`,
    refreshToken: `refresh-${generation}`,
    accessTokenExpiresAt: NOW + expiresInMs,
  };
}

/** Records every step in one timeline, so tests can assert the order of refresh, save and use. */
function harness(
  initial: BankTokenSet | undefined,
  options: { failSave?: boolean; saveDelayMs?: number } = {},
) {
  const timeline: string[] = [];
  let stored = initial;
  let generation = 1;
  const store: TokenStore = {
    async load() {
      return stored;
    },
    async save(next, replaced) {
      timeline.push(`save ${next.refreshToken} replacing ${replaced.refreshToken}`);
      if (options.saveDelayMs !== undefined)
        await new Promise((resolve) => setTimeout(resolve, options.saveDelayMs));
      if (options.failSave === true) throw new Error('conditional write lost');
      stored = next;
      timeline.push(`saved ${next.refreshToken}`);
    },
  };
  const refresher: TokenRefresher = {
    async refreshTokens(refreshToken: string, callOptions: { context: RequestContext }) {
      timeline.push(`refresh ${refreshToken} (${callOptions.context.kind})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      generation += 1;
      return tokens(generation, 3_600_000);
    },
    async revokeToken(refreshToken: string) {
      timeline.push(`revoke ${refreshToken}`);
    },
  };
  const connection = new BankConnection(refresher, store, {
    now: () => new Date(NOW),
    refreshMarginMs: 60_000,
  });
  return { connection, timeline, current: () => stored };
}

describe('BankConnection', () => {
  it('hands out a valid access token without refreshing', async () => {
    const { connection, timeline } = harness(tokens(1, 10 * 60_000));
    expect(await connection.accessToken(UNATTENDED)).toBe('access-1');
    expect(timeline).toEqual([]);
  });

  it('persists the refreshed tokens before the new access token is handed out', async () => {
    const { connection, timeline, current } = harness(tokens(1, 30_000), { saveDelayMs: 10 });
    const used = await connection.run(UNATTENDED, async (accessToken) => {
      timeline.push(`use ${accessToken}`);
      return accessToken;
    });
    expect(used).toBe('access-2');
    expect(timeline).toEqual([
      'refresh refresh-1 (unattended)',
      'save refresh-2 replacing refresh-1',
      'saved refresh-2',
      'use access-2',
    ]);
    expect(current()?.refreshToken).toBe('refresh-2');
  });

  it('never hands out tokens it could not persist', async () => {
    const { connection, timeline } = harness(tokens(1, 0), { failSave: true });
    const used: string[] = [];
    await expect(
      connection.run(UNATTENDED, async (accessToken) => {
        used.push(accessToken);
      }),
    ).rejects.toBeInstanceOf(TokenPersistenceError);
    expect(used).toEqual([]);
    expect(timeline).toEqual(['refresh refresh-1 (unattended)', 'save refresh-2 replacing refresh-1']);
  });

  it('refreshes once for concurrent callers (the refresh token is single use)', async () => {
    const { connection, timeline } = harness(tokens(1, 0));
    const results = await Promise.all(Array.from({ length: 10 }, () => connection.accessToken(UNATTENDED)));
    expect(new Set(results)).toEqual(new Set(['access-2']));
    expect(timeline.filter((step) => step.startsWith('refresh'))).toEqual(['refresh refresh-1 (unattended)']);
  });

  it('does not spend a refresh token again for a caller whose store read predates the save', async () => {
    const refreshed: string[] = [];
    const stale = tokens(1, 0);
    const store: TokenStore = {
      // A lagging read: always the pre-refresh tokens.
      load: async () => stale,
      save: async () => {},
    };
    const refresher: TokenRefresher = {
      async refreshTokens(refreshToken) {
        refreshed.push(refreshToken);
        return tokens(2, 3_600_000);
      },
      async revokeToken() {},
    };
    const connection = new BankConnection(refresher, store, { now: () => new Date(NOW) });
    expect(await connection.accessToken(UNATTENDED)).toBe('access-2');
    expect(await connection.accessToken(UNATTENDED)).toBe('access-2');
    expect(refreshed).toEqual(['refresh-1']);
  });

  it('refreshes transparently once when the bank says the token expired, then repeats the call', async () => {
    const { connection, timeline } = harness(tokens(1, 10 * 60_000));
    let calls = 0;
    const result = await connection.run(UNATTENDED, async (accessToken) => {
      calls += 1;
      timeline.push(`call ${accessToken}`);
      if (accessToken === 'access-1') throw new BankAuthExpiredError('expired', { status: 401 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(2);
    expect(timeline).toEqual([
      'call access-1',
      'refresh refresh-1 (unattended)',
      'save refresh-2 replacing refresh-1',
      'saved refresh-2',
      'call access-2',
    ]);
  });

  it('does not loop: a second expiry after refreshing is reported', async () => {
    const { connection, timeline } = harness(tokens(1, 10 * 60_000));
    await expect(
      connection.run(UNATTENDED, async () => {
        throw new BankAuthExpiredError('expired', { status: 401 });
      }),
    ).rejects.toBeInstanceOf(BankAuthExpiredError);
    expect(timeline.filter((step) => step.startsWith('refresh'))).toHaveLength(1);
  });

  it('passes other errors through without refreshing', async () => {
    const { connection, timeline } = harness(tokens(1, 10 * 60_000));
    await expect(
      connection.run(UNATTENDED, async () => {
        throw new BankValidationError('bad', { status: 400 });
      }),
    ).rejects.toBeInstanceOf(BankValidationError);
    expect(timeline).toEqual([]);
  });

  it('reports a connection without tokens as consent revoked', async () => {
    const { connection } = harness(undefined);
    await expect(connection.accessToken(UNATTENDED)).rejects.toBeInstanceOf(BankConsentRevokedError);
  });

  it('revokes with the stored refresh token', async () => {
    const { connection, timeline } = harness(tokens(1, 10 * 60_000));
    await connection.revoke(UNATTENDED);
    expect(timeline).toEqual(['revoke refresh-1']);
  });
});
