import { bankLinking } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { contract } from '#http/contract';
import { httpHandler } from '#http/handler';
import { redirect } from '#http/response';
import { bankLinkStateOf, clearedBankLinkCookie } from '#http/session';

// The bank redirects the saver's browser here; the one-time state identifies the saver, and the
// bank-link cookie proves it is the browser that started the link.
export const handler = httpHandler({ ...contract['GET /api/bank/callback'] }, async ({ query, event }) => {
  const parameters = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const location = await bankLinking().callback(
    parameters,
    saverPresentContext(event),
    bankLinkStateOf(event),
  );
  return redirect(location, [clearedBankLinkCookie()]);
});
