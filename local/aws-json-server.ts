import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error the SDK will surface under `name` (e.g. ResourceNotFoundException). */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    /** SQS's legacy query-protocol code, which the SDK prefers for error names when present. */
    readonly queryErrorCode?: string,
  ) {
    super(message);
  }
}

export type Operation = (input: Record<string, unknown>) => unknown | Promise<unknown>;

export interface AwsJsonServerOptions {
  /** X-Amz-Target prefix, e.g. `secretsmanager` or `AmazonSQS`. */
  targetPrefix: string;
  /** `1.0` or `1.1`, as the service's protocol says. */
  jsonVersion: '1.0' | '1.1';
  /** `__type` prefix for errors, e.g. `com.amazonaws.sqs#`; empty for none. */
  errorTypePrefix?: string;
  operations: Record<string, Operation>;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new AwsServiceError('ValidationException', 'Request too large', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A server speaking the AWS JSON protocol (POST / with X-Amz-Target), so the real SDK clients work
 * against local stand-ins. Signatures are not checked: these bind to loopback and hold dev data only.
 */
export function createAwsJsonServer(options: AwsJsonServerOptions): Server {
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    response.end(text);
  };

  return createServer(async (request, response) => {
    try {
      const target = request.headers['x-amz-target'];
      const operationName =
        typeof target === 'string' && target.startsWith(`${options.targetPrefix}.`)
          ? target.slice(options.targetPrefix.length + 1)
          : undefined;
      const operation = operationName === undefined ? undefined : options.operations[operationName];
      if (request.method !== 'POST' || operation === undefined) {
        throw new AwsServiceError('UnknownOperationException', `Unsupported operation ${String(target)}`);
      }
      const text = await readBody(request);
      let input: unknown;
      try {
        input = text.length === 0 ? {} : JSON.parse(text);
      } catch {
        throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
      }
      send(response, 200, (await operation(input as Record<string, unknown>)) ?? {});
    } catch (error) {
      const serviceError =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError('InternalFailure', 'The stand-in failed to process the request', 500);
      if (!(error instanceof AwsServiceError)) console.error(error);
      const type = `${options.errorTypePrefix ?? ''}${serviceError.type}`;
      send(
        response,
        serviceError.statusCode,
        { __type: type, message: serviceError.message },
        {
          'x-amzn-errortype': serviceError.type,
          ...(serviceError.queryErrorCode
            ? { 'x-amzn-query-error': `${serviceError.queryErrorCode};Sender` }
            : {}),
        },
      );
    }
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    url: `http://${host}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function requireString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsServiceError('InvalidParameterException', `${field} is required`);
  }
  return value;
}
