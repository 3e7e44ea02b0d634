import { authenticateSaver, goals } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['PATCH /api/goals/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path, body }) => json(200, await goals().update(saverId, path.id, body)),
);
