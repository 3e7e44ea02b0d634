import { authenticateSaver, goals } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { noContent } from '#http/response';

export const handler = saverHandler(
  { ...contract['DELETE /api/goals/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path }) => {
    await goals().remove(saverId, path.id);
    return noContent();
  },
);
