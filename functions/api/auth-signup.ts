import { auth } from '#app/wiring';
import { httpHandler } from '#http/handler';
import { credentialsSchema, withRefreshCookie } from '#http/session';

export const handler = httpHandler({ body: credentialsSchema }, async ({ body, event }) => {
  const { refresh, ...session } = await (await auth()).signup(body, event.requestContext.http.sourceIp);
  return withRefreshCookie(201, session, refresh);
});
