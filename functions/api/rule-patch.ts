import { z } from 'zod';
import { authenticateSaver, rules } from '#app/wiring';
import { idPathSchema } from '#http/collections';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

// The merged rule is validated strictly by the use case (its shape depends on the rule's type).
const patchSchema = z
  .record(z.string().max(40), z.unknown())
  .refine((patch) => !('id' in patch || 'activeFrom' in patch), {
    message: 'id and activeFrom cannot change',
  });

export const handler = saverHandler(
  { authenticate: authenticateSaver, path: idPathSchema, body: patchSchema },
  async ({ saverId, path, body }) => json(200, await rules().update(saverId, path.id, body)),
);
