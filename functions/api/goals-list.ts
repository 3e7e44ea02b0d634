import { authenticateSaver, goals } from '#app/wiring';
import { listQuerySchema } from '#http/collections';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, query: listQuerySchema },
  async ({ saverId, query }) => json(200, await goals().list(saverId, query.cursor)),
);
