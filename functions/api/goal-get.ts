import { authenticateSaver, goals } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['GET /api/goals/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path }) => json(200, await goals().get(saverId, path.id)),
);
