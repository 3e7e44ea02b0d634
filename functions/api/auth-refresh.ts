import { NotAuthenticated } from '#app/errors';
import { auth } from '#app/wiring';
import { httpHandler } from '#http/handler';
import { problems } from '#http/problem';
import { clearedRefreshCookie, refreshTokenOf, withRefreshCookie } from '#http/session';

export const handler = httpHandler({}, async ({ event }) => {
  try {
    const { accessToken, expiresIn, refresh } = await (await auth()).refresh(refreshTokenOf(event));
    return withRefreshCookie(200, { accessToken, expiresIn }, refresh);
  } catch (error) {
    if (!(error instanceof NotAuthenticated)) throw error;
    // Tell the browser to drop the dead cookie along with the 401.
    const problem = problems.unauthorized(error.message);
    problem.headers['set-cookie'] = clearedRefreshCookie();
    throw problem;
  }
});
