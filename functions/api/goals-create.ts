import { authenticateSaver, goals } from '#app/wiring';
import { NewGoalSchema } from '#domain/goals';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, body: NewGoalSchema },
  async ({ saverId, body }) => json(201, await goals().create(saverId, body)),
);
