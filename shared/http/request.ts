import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { type FieldError, problems } from './problem.ts';

/** Larger bodies are refused before parsing: no request of ours needs more. */
export const MAX_BODY_BYTES = 64 * 1024;

type RequestPart = FieldError['in'];

function toPointer(path: readonly PropertyKey[]): string {
  return `/${path.map((segment) => String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

export function fieldErrors(error: z.ZodError, part: RequestPart): FieldError[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        pointer: toPointer(issue.path),
        in: part,
        detail: `Unknown field(s): ${issue.keys.join(', ')}.`,
      };
    }
    return { pointer: toPointer(issue.path), in: part, detail: issue.message };
  });
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrors(result.error, part));
  return result.data;
}

function decodeBody(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const text = decodeBody(event);
  if (text === undefined || text.length === 0) return undefined;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw problems.payloadTooLarge(MAX_BODY_BYTES);
  const contentType = event.headers?.['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) throw problems.unsupportedMediaType();
  try {
    return JSON.parse(text);
  } catch {
    throw problems.malformedJson();
  }
}
