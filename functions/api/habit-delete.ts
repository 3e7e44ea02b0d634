import { authenticateSaver, habits } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { noContent } from '#http/response';

export const handler = saverHandler(
  { ...contract['DELETE /api/habits/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path }) => {
    await habits().remove(saverId, path.id);
    return noContent();
  },
);
