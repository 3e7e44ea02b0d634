import { authenticateSaver, rules } from '#app/wiring';
import { DraftRuleSchema } from '#domain/rules';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { authenticate: authenticateSaver, body: DraftRuleSchema },
  async ({ saverId, body }) => json(201, await rules().create(saverId, body)),
);
