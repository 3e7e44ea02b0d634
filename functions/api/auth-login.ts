import { auth } from '#app/wiring';
import { httpHandler } from '#http/handler';
import { credentialsSchema, withRefreshCookie } from '#http/session';

export const handler = httpHandler({ body: credentialsSchema }, async ({ body, event }) => {
  const { refresh, ...session } = await (await auth()).login(body, event.requestContext.http.sourceIp);
  return withRefreshCookie(200, session, refresh);
});
