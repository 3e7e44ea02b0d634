import { authenticateSaver, rules } from '#app/wiring';
import { contract } from '#http/contract';
import { saverHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = saverHandler(
  { ...contract['POST /api/rules/backtest'], authenticate: authenticateSaver },
  async ({ saverId, body }) => json(200, await rules().backtest(saverId, body)),
);
