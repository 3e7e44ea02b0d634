import { habits } from '#app/wiring';
import { contract } from '#http/contract';
import { httpHandler } from '#http/handler';
import { json } from '#http/response';

// A saver's personal webhook (e.g. from a fitness app): the secret comes as a Bearer credential.
export const handler = httpHandler(
  { ...contract['POST /api/hooks/{hookId}'] },
  async ({ path, body, event }) => {
    const secret = /^Bearer (\S+)$/.exec(event.headers?.authorization ?? '')?.[1];
    const { action } = await habits().logViaHook(path.hookId, secret, body?.occurredAt);
    return json(201, { action });
  },
);
