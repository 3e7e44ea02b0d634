import { z } from 'zod';
import { bankLinking } from '#app/wiring';
import { saverPresentContext } from '#http/bank-context';
import { httpHandler } from '#http/handler';
import { redirect } from '#http/response';

// The bank redirects the saver's browser here; the one-time state identifies the saver.
export const handler = httpHandler(
  {
    query: z.strictObject({
      code: z.string().max(2048).optional(),
      state: z.string().max(512).optional(),
      error: z.string().max(200).optional(),
      error_description: z.string().max(1000).optional(),
    }),
  },
  async ({ query, event }) => {
    const parameters = new URLSearchParams(
      Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return redirect(await bankLinking().callback(parameters, saverPresentContext(event)));
  },
);
