import { describe, expect, test } from 'vitest';
import { contract, pagedListQuerySchema } from '#http/contract';
import { buildOpenApiDocument } from '#http/openapi';

interface DocumentedOperation {
  security: unknown;
  parameters: unknown[];
  requestBody?: { required: boolean; content: Record<string, { schema: { anyOf?: unknown[] } }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

describe('the activity, transfer and notification routes in the contract', () => {
  const document = buildOpenApiDocument();
  const operationOf = (method: string, path: string): DocumentedOperation => {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`${method} ${path} is not in the document`);
    return operation as DocumentedOperation;
  };

  test('every one needs the saver’s access token and answers 401 and 404 as problems', () => {
    const routes = [
      'GET /api/activity',
      'GET /api/transfers',
      'GET /api/transfers/{id}',
      'POST /api/transfers/{id}/cancel',
      'GET /api/notifications',
      'POST /api/notifications/read',
    ] as const;
    for (const routeKey of routes) {
      expect(contract[routeKey].auth, routeKey).toBe('saver');
      const [method = '', path = ''] = routeKey.split(' ');
      const operation = operationOf(method, path);
      expect(operation.security, routeKey).toEqual([{ accessToken: [] }]);
      expect(operation.responses['401']?.content, routeKey).toHaveProperty('application/problem+json');
    }
    const cancel = operationOf('POST', '/api/transfers/{id}/cancel');
    expect(cancel.responses['409']?.content).toHaveProperty('application/problem+json');
  });

  test('lists take an optional cursor and a bounded limit, and nothing else', () => {
    const { parameters } = operationOf('GET', '/api/activity');
    expect(parameters).toEqual([
      expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
    ]);
    expect(pagedListQuerySchema.parse({})).toEqual({});
    expect(pagedListQuerySchema.parse({ limit: '100', cursor: 'abc' })).toEqual({
      limit: 100,
      cursor: 'abc',
    });
    for (const limit of ['0', '101', '-1', '1.5', 'ten', '', '0100']) {
      expect(pagedListQuerySchema.safeParse({ limit }).success, limit).toBe(false);
    }
    expect(pagedListQuerySchema.safeParse({ page: '2' }).success).toBe(false);
  });

  test('the read body is required and is one of two strict shapes', () => {
    const body = operationOf('POST', '/api/notifications/read').requestBody;
    expect(body?.required).toBe(true);
    const shapes = body?.content['application/json']?.schema.anyOf;
    expect(shapes).toEqual([
      expect.objectContaining({ required: ['ids'], additionalProperties: false }),
      expect.objectContaining({ required: ['all'], additionalProperties: false }),
    ]);
  });
});
