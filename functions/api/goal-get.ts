import { authenticateSaver, goals } from '#app/wiring';
import { idPathSchema } from '#http/collections';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, path: idPathSchema },
  async ({ saverId, path }) => json(200, await goals().get(saverId, path.id)),
);
