import { authenticateSaver, habits } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['POST /api/habits'], authenticate: authenticateSaver },
  async ({ saverId, body }) => json(201, await habits().create(saverId, body)),
);
