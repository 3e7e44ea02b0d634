import { httpHandler } from '#http/handler';
import { buildOpenApiDocument } from '#http/openapi';
import { json } from '#http/response';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = httpHandler({}, async () => {
  document ??= buildOpenApiDocument();
  return json(200, document);
});
