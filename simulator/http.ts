import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a handler answers; the server turns it into bytes (or drops it, when a fault says so). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  html?: string;
}

export interface Failure {
  code: string;
  description: string;
  path?: string;
  type?: string;
}

export function groupHeader(
  now: Date,
  httpCode: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    message_identification: randomBytes(16).toString('hex'),
    creation_date_time: now.toISOString(),
    http_code: httpCode,
    ...extra,
  };
}

/** Nordea's API error body: `group_header` + `error.request.url` + `error.failures[]`. */
export function nordeaError(now: Date, status: number, url: string, failures: Failure[]): Reply {
  return {
    status,
    json: { group_header: groupHeader(now, status), error: { request: { url }, failures } },
  };
}

const HTTP_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The IBM API Connect gateway's own error body (client credentials, routing, rate limits). */
export function gatewayError(
  status: number,
  moreInformation: string,
  headers?: Record<string, string>,
): Reply {
  return {
    status,
    ...(headers ? { headers } : {}),
    json: { httpCode: String(status), httpMessage: HTTP_MESSAGES[status] ?? 'Error', moreInformation },
  };
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { Location: location } };
}

export class BodyTooLargeError extends Error {}

export async function readBody(request: IncomingMessage, limitBytes = 1_048_576): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
