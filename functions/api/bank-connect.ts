import { LINK_STATE_SECONDS } from '#app/bank-linking';
import { authenticateSaver, bankLinking } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';
import { bankLinkCookie } from '#http/session';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId, event }) => {
  const { authorizeUrl, state } = await bankLinking().connect(saverId, saverPresentContext(event));
  return { ...json(200, { authorizeUrl }), cookies: [bankLinkCookie(state, LINK_STATE_SECONDS)] };
});
