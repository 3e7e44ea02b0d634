import { authenticateSaver, habits } from '#app/wiring';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId }) =>
  json(200, await habits().list(saverId)),
);
