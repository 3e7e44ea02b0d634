import { authenticateSaver, rules } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['PATCH /api/rules/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path, body }) => json(200, await rules().update(saverId, path.id, body)),
);
