import { authenticateSaver, settings } from '#app/wiring';
import { SaverSettingsPatchSchema } from '#domain/settings';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, body: SaverSettingsPatchSchema },
  async ({ saverId, body }) => json(200, await settings().update(saverId, body)),
);
