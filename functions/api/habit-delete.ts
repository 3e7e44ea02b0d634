import { authenticateSaver, habits } from '#app/wiring';
import { idPathSchema } from '#http/collections';
import { saverHandler } from '#http/handler';
import { noContent } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, path: idPathSchema },
  async ({ saverId, path }) => {
    await habits().remove(saverId, path.id);
    return noContent();
  },
);
