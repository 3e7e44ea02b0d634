import { httpHandler } from '#http/handler';
import { problems } from '#http/problem';

// The API's $default route: anything no route matches gets a problem+json 404, in AWS and locally alike.
export const handler = httpHandler({}, async () => {
  throw problems.notFound();
});
