import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export function apiEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /test',
    rawPath: '/test',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/test',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: 'request-1',
      routeKey: 'POST /test',
      stage: '$default',
      time: '28/Nov/2026:03:00:00 +0000',
      timeEpoch: 1_795_748_400_000,
    },
    isBase64Encoded: false,
    ...overrides,
  };
}

export const testContext = {
  functionName: 'test',
  awsRequestId: 'aws-request-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
