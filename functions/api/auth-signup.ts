import { auth } from '#app/wiring';
import { contract } from '#http/contract';
import { httpHandler } from '#http/handler';
import { clientAddress } from '#http/origin';
import { withRefreshCookie } from '#http/session';

export const handler = httpHandler({ ...contract['POST /api/auth/signup'] }, async ({ body, event }) => {
  const { refresh, ...session } = await (await auth()).signup(body, clientAddress(event));
  return withRefreshCookie(201, session, refresh);
});
