import { activity, authenticateSaver } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { noContent } from '#http/response';

export const handler = saverHandler(
  { ...contract['POST /api/notifications/read'], authenticate: authenticateSaver },
  async ({ saverId, body }) => {
    await activity().markRead(saverId, body);
    return noContent();
  },
);
