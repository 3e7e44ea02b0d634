import { z } from 'zod';
import { authenticateSaver, bankLinking } from '#app/wiring';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

const accountId = z.string().min(1).max(128);

export const handler = saverHandler(
  {
    authenticate: authenticateSaver,
    body: z.strictObject({ sourceAccountId: accountId, savingsAccountId: accountId }),
  },
  async ({ saverId, body }) =>
    json(200, await bankLinking().chooseAccounts(saverId, body.sourceAccountId, body.savingsAccountId)),
);
