import { HabitLogSchema } from '#app/habits';
import { authenticateSaver, habits } from '#app/wiring';
import { idPathSchema } from '#http/collections';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, path: idPathSchema, body: HabitLogSchema.optional() },
  async ({ saverId, path, body }) => json(201, await habits().log(saverId, path.id, body?.occurredAt)),
);
