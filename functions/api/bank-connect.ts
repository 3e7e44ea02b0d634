import { authenticateSaver, bankLinking } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId, event }) =>
  json(200, await bankLinking().connect(saverId, saverPresentContext(event))),
);
