import { auth, authenticateSaver } from '#app/wiring';
import { saverHandler } from '#http/handler';
import { clearedRefreshCookie } from '#http/session';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId }) => {
  await (await auth()).logoutEverywhere(saverId);
  return { statusCode: 204, cookies: [clearedRefreshCookie()] };
});
