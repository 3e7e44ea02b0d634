import { NewHabitSchema } from '#app/habits';
import { authenticateSaver, habits } from '#app/wiring';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, body: NewHabitSchema },
  async ({ saverId, body }) => json(201, await habits().create(saverId, body)),
);
