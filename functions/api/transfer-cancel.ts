import { activity, authenticateSaver } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['POST /api/transfers/{id}/cancel'], authenticate: authenticateSaver },
  async ({ saverId, path }) => json(200, await activity().cancelTransfer(saverId, path.id)),
);
