import { httpHandler } from '#http/handler';
import { json } from '#http/response';

export const handler = httpHandler({}, async () => json(200, { status: 'ok' }));
