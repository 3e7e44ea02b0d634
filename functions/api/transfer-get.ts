import { activity, authenticateSaver } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['GET /api/transfers/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path }) => json(200, await activity().transfer(saverId, path.id)),
);
