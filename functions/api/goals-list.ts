import { authenticateSaver, goals } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['GET /api/goals'], authenticate: authenticateSaver },
  async ({ saverId, query }) => json(200, await goals().list(saverId, query.cursor)),
);
