import { authenticateSaver, bankLinking } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['PUT /api/bank/accounts'], authenticate: authenticateSaver },
  async ({ saverId, body }) =>
    json(200, await bankLinking().chooseAccounts(saverId, body.sourceAccountId, body.savingsAccountId)),
);
