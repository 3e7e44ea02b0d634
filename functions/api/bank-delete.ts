import { authenticateSaver, bankLinking } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { saverHandler } from '#http/handler';
import { noContent } from '#http/response';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId, event }) => {
  await bankLinking().unlink(saverId, saverPresentContext(event));
  return noContent();
});
