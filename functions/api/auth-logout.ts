import { auth } from '#app/wiring';
import { httpHandler } from '#http/handler';
import { clearedRefreshCookie, refreshTokenOf } from '#http/session';

export const handler = httpHandler({}, async ({ event }) => {
  await (await auth()).logout(refreshTokenOf(event));
  return { statusCode: 204, cookies: [clearedRefreshCookie()] };
});
