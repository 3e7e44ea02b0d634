import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { expect, test } from 'vitest';
import { handler as openapi } from '#functions/api/openapi';
import { contract } from '#http/contract';
import { apiRoutes } from '#stacks/definitions';
import { apiEvent, testContext } from '#test/support/api-event';

test('every deployed route has a contract entry, and every contract entry is deployed', () => {
  const deployed = apiRoutes.map((route) => route.routeKey).filter((key) => key !== '$default');
  expect(new Set(deployed)).toEqual(new Set(Object.keys(contract)));
});

test('GET /api/openapi.json describes every route with the schemas the handlers enforce', async () => {
  const response = (await openapi(
    apiEvent({ routeKey: 'GET /api/openapi.json' }),
    testContext,
  )) as APIGatewayProxyStructuredResultV2;
  expect(response.statusCode).toBe(200);
  const document = JSON.parse(response.body ?? '{}');
  expect(document.openapi).toBe('3.1.0');
  for (const routeKey of Object.keys(contract)) {
    const [method = '', path = ''] = routeKey.split(' ');
    expect(document.paths[path]?.[method.toLowerCase()], routeKey).toBeDefined();
  }
  const createGoal = document.paths['/api/goals'].post;
  expect(createGoal.security).toEqual([{ accessToken: [] }]);
  const body = createGoal.requestBody.content['application/json'].schema;
  // Strict bodies: unknown fields are refused, and the contract says so.
  expect(body.additionalProperties).toBe(false);
  expect(body.required).toEqual(expect.arrayContaining(['name', 'targetMinor', 'currency']));
  expect(document.paths['/api/goals/{id}'].get.parameters).toEqual([
    expect.objectContaining({ name: 'id', in: 'path', required: true }),
  ]);
  expect(document.paths['/api/auth/login'].post.responses['429'].content).toHaveProperty(
    'application/problem+json',
  );
});
