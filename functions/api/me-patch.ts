import { authenticateSaver, settings } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['PATCH /api/me'], authenticate: authenticateSaver },
  async ({ saverId, body }) => json(200, await settings().update(saverId, body)),
);
