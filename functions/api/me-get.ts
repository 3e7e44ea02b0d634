import { NotFound } from '#app/errors';
import { authenticateSaver, savers } from '#app/wiring';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler({ authenticate: authenticateSaver }, async ({ saverId }) => {
  const profile = await savers().getProfile(saverId);
  if (!profile) throw new NotFound('There is no such saver.');
  return json(200, profile.settings);
});
