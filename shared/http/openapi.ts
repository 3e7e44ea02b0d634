import { z } from 'zod';
import { contract, type Operation } from './contract.ts';

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

function parameters(schema: z.ZodType | undefined, location: 'query' | 'path') {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.includes(name),
    schema: property,
  }));
}

function operation(routeKey: string, spec: Operation) {
  const security = {
    saver: [{ accessToken: [] }],
    cookie: [{ refreshCookie: [] }],
    webhook: [{ webhookSecret: [] }],
    public: [],
  }[spec.auth];
  return {
    operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary: spec.summary,
    security,
    parameters: [...parameters(spec.path, 'path'), ...parameters(spec.query, 'query')],
    ...(spec.body
      ? {
          requestBody: {
            required: !spec.body.safeParse(undefined).success,
            content: { 'application/json': { schema: jsonSchema(spec.body) } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(spec.responses).map(([status, description]) => [
        status,
        Number(status) >= 400
          ? {
              description,
              content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
            }
          : { description },
      ]),
    ),
  };
}

/** OpenAPI 3.1 for the whole API, built from the same schemas the handlers enforce. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [routeKey, spec] of Object.entries(contract) as [string, Operation][]) {
    const [method = '', path = ''] = routeKey.split(' ');
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation(routeKey, spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sparegris API',
      version: '1',
      description:
        'Automated savings on Nordea open banking. Amounts are integer minor units beside a currency; errors are RFC 9457 problem details.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256, 15 minutes)' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: '__Host-sparegris_refresh' },
        webhookSecret: { type: 'http', scheme: 'bearer', description: 'The habit webhook secret' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  pointer: { type: 'string' },
                  in: { type: 'string' },
                  detail: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
}
