import { authenticateSaver, privacy } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { saverHandler } from '#http/handler';
import { clearedRefreshCookie } from '#http/session';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId, event }) => {
  await privacy().erase(saverId, saverPresentContext(event));
  return { statusCode: 204, cookies: [clearedRefreshCookie()] };
});
