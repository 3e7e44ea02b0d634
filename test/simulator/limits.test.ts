import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type Json, startTestSimulator, type TestBank } from './helpers.ts';

let simulator: Awaited<ReturnType<typeof startTestSimulator>>['simulator'];
let bank: TestBank;

beforeAll(async () => {
  ({ simulator, bank } = await startTestSimulator());
});
afterAll(async () => {
  await simulator.close();
});

async function firstAccountId(accessToken: string): Promise<string> {
  const result = await bank.call('GET', '/v5/accounts', undefined, {
    bearer: accessToken,
    userIp: '10.0.0.1',
  });
  return String(((body(result).response as Json).accounts as Json[])[0]?._id);
}

describe('per-app rate limit', () => {
  it('refuses calls beyond the per-second limit with the gateway 429 shape', async () => {
    const { simulator: limited, bank: limitedBank } = await startTestSimulator({
      rateLimits: { ais: 5, pis: 100 },
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => limitedBank.call('GET', '/v5/accounts')),
      );
      const statuses = results.map((result) => result.status);
      // Five pass the gateway (and fail later on the missing token); the rest are rate limited.
      expect(statuses.filter((status) => status === 429)).toHaveLength(3);
      const limitedResult = results.find((result) => result.status === 429);
      expect(limitedResult?.json).toEqual({
        httpCode: '429',
        httpMessage: 'Too Many Requests',
        moreInformation: 'Assembly Rate Limit exceeded',
      });
      expect(limitedResult?.headers.get('retry-after')).toBe('1');
      // PIS has its own budget.
      const payments = await limitedBank.call('GET', '/v5/payments');
      expect(payments.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 1_050));
      expect((await limitedBank.call('GET', '/v5/accounts')).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('PSD2 unattended access', () => {
  it('allows 4 unattended reads per account and endpoint in 24 h; the 5th is refused, saver-present reads are not counted', async () => {
    const { accessToken } = await bank.connect();
    const accountId = await firstAccountId(accessToken);
    const read = (userIp?: string) =>
      bank.call('GET', `/v5/accounts/${accountId}/transactions`, undefined, {
        bearer: accessToken,
        ...(userIp ? { userIp } : {}),
      });
    for (let attempt = 0; attempt < 4; attempt++) expect((await read()).status).toBe(200);
    const fifth = await read();
    expect(fifth.status).toBe(429);
    expect(((body(fifth).error as Json).failures as Json[])[0]?.code).toBe('error.access.limit');
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await read('10.0.0.1')).status).toBe(200);
  });

  it('counts a paginated read once and frees the budget after 24 h', async () => {
    const { simulator: paged, bank: pagedBank } = await startTestSimulator({
      transactionPageSize: 40,
      accessTokenTtlSeconds: 3 * 86_400,
    });
    try {
      const { accessToken } = await pagedBank.connect();
      const list = await pagedBank.call('GET', '/v5/accounts', undefined, {
        bearer: accessToken,
        userIp: '10.0.0.1',
      });
      const accountId = String(((body(list).response as Json).accounts as Json[])[0]?._id);
      const readAllPages = async (): Promise<number> => {
        let key: string | undefined;
        let status = 0;
        do {
          const query = key ? `?continuation_key=${key}` : '';
          const result = await pagedBank.call(
            'GET',
            `/v5/accounts/${accountId}/transactions${query}`,
            undefined,
            { bearer: accessToken },
          );
          status = result.status;
          key = ((body(result).group_header as Json | undefined)?.message_pagination as Json | undefined)
            ?.continuation_key as string | undefined;
        } while (key && status === 200);
        return status;
      };
      for (let sync = 0; sync < 4; sync++) expect(await readAllPages()).toBe(200);
      expect(await readAllPages()).toBe(429);
      await pagedBank.admin('POST', '/clock', { advance_hours: 24, advance_seconds: 1 });
      expect(await readAllPages()).toBe(200);
    } finally {
      await paged.close();
    }
  });
});

describe('fault injection', () => {
  it('injects 5xx and 429 for a number of matching requests, then clears', async () => {
    const { accessToken } = await bank.connect();
    await bank.admin('POST', '/faults', {
      faults: [{ type: '5xx', status: 503, path: '/v5/accounts', times: 2 }],
    });
    const first = await bank.call('GET', '/v5/accounts', undefined, {
      bearer: accessToken,
      userIp: '10.0.0.1',
    });
    expect(first.status).toBe(503);
    expect(body(first).group_header).toMatchObject({ http_code: 503 });
    expect(
      (await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, userIp: '10.0.0.1' })).status,
    ).toBe(503);
    expect(
      (await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, userIp: '10.0.0.1' })).status,
    ).toBe(200);
    await bank.admin('POST', '/faults', { type: '429', retry_after_seconds: 2 });
    const limited = await bank.call('GET', '/v5/accounts', undefined, {
      bearer: accessToken,
      userIp: '10.0.0.1',
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(body(limited).httpCode).toBe('429');
    expect((await bank.admin('DELETE', '/faults')).status).toBe(204);
    expect(
      (await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, userIp: '10.0.0.1' })).status,
    ).toBe(200);
  });

  it('adds latency and can hold a request until the client times out', async () => {
    await bank.admin('POST', '/faults', { type: 'latency', latency_ms: 150, path: '/v4/assets', times: 1 });
    const started = Date.now();
    await bank.call('GET', '/v4/assets');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await bank.admin('POST', '/faults', { type: 'timeout', path: '/v4/assets', times: 1 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 200);
    await expect(
      fetch(`${simulator.url}/personal/v4/assets`, {
        headers: { 'X-IBM-Client-Id': 'sparegris-local', 'X-IBM-Client-Secret': 'sparegris-local-secret' },
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    clearTimeout(timer);
    const faults = await bank.admin('GET', '/faults');
    expect(body(faults).faults).toEqual([]);
  });

  it('rejects fault descriptions it does not understand', async () => {
    expect((await bank.admin('POST', '/faults', { type: 'gremlins' })).status).toBe(400);
    expect((await bank.admin('POST', '/faults', { type: 'status', status: 302 })).status).toBe(400);
  });
});
