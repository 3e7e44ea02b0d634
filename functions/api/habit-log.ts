import { authenticateSaver, habits } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['POST /api/habits/{id}/log'], authenticate: authenticateSaver },
  async ({ saverId, path, body }) => json(201, await habits().log(saverId, path.id, body?.occurredAt)),
);
