import { automation } from '#app/automation-wiring';
import { Conflict, NotFound } from '#app/errors';
import { BANK_SYNCS_PER_SAVER } from '#app/rate-limit';
import { authenticateSaver, rateLimiter } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['POST /api/bank/sync'], authenticate: authenticateSaver },
  async ({ saverId, event }) => {
    // Each sync spends calls from the app's Nordea limit that every saver's automation shares.
    await rateLimiter().check(`bank-sync#${saverId}`, BANK_SYNCS_PER_SAVER);
    const summary = await automation().sync.syncSaver(saverId, {
      kind: 'saver-present',
      context: saverPresentContext(event),
    });
    if (summary.outcome === 'unlinked') throw new NotFound('No bank is linked.');
    if (summary.outcome === 'busy')
      throw new Conflict('Your bank is being read right now; try again in a minute.');
    return json(200, summary);
  },
);
