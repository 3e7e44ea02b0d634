import { authenticateSaver, rules } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['GET /api/rules/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path }) => json(200, await rules().get(saverId, path.id)),
);
