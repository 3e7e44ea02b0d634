import { authenticateSaver, rules } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { noContent } from '#http/response';

export const handler = saverHandler(
  { ...contract['DELETE /api/rules/{id}'], authenticate: authenticateSaver },
  async ({ saverId, path }) => {
    await rules().remove(saverId, path.id);
    return noContent();
  },
);
