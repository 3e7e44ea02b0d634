import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functionNameOf } from '#stacks/definitions';

export const repositoryRoot = resolve(import.meta.dirname, '..');

// biome-ignore lint/suspicious/noExplicitAny: handlers of every event type are loaded through here.
export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<LambdaHandler>>();

/** Imports a function module exactly as deployed (its exported `handler`), once per process. */
export function loadHandler(entry: string): Promise<LambdaHandler> {
  let handler = loaded.get(entry);
  if (handler === undefined) {
    handler = import(pathToFileURL(resolve(repositoryRoot, entry)).href).then(
      (module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function')
          throw new Error(`${entry} does not export a handler function`);
        return module.handler as LambdaHandler;
      },
    );
    loaded.set(entry, handler);
  }
  return handler;
}

/** A Lambda context with the parts handlers and Powertools read. */
export function lambdaContext(entry: string, timeoutMs = 30_000): Context {
  const functionName = functionNameOf(entry);
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-north-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
