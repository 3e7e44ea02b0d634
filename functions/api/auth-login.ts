import { auth } from '#app/wiring';
import { contract } from '#http/contract';
import { httpHandler } from '#http/handler';
import { clientAddress } from '#http/origin';
import { withRefreshCookie } from '#http/session';

export const handler = httpHandler({ ...contract['POST /api/auth/login'] }, async ({ body, event }) => {
  const { refresh, ...session } = await (await auth()).login(body, clientAddress(event));
  return withRefreshCookie(200, session, refresh);
});
