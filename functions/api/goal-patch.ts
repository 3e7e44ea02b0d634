import { GoalPatchSchema } from '#app/goals';
import { authenticateSaver, goals } from '#app/wiring';
import { idPathSchema } from '#http/collections';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, path: idPathSchema, body: GoalPatchSchema },
  async ({ saverId, path, body }) => json(200, await goals().update(saverId, path.id, body)),
);
