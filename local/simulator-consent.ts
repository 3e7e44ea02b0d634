import { DEFAULT_NORDEA_PATHS } from '#bank/config';
import { sha256Digest } from '#bank/signing';
import type { FetchFunction } from '#bank/transport';

/**
 * A fetch for a NordeaClient talking to the simulator: the simulator makes a fresh customer for every
 * consent unless the authorize request names one (`psu_id`, simulator-only), so this adds it to the
 * authorize body and recomputes the Digest of the changed bytes. It also asks the simulator to skip its
 * consent page (`X-Response-Scenarios: AuthenticationSkipUI`), so the authorize answers with a redirect
 * straight back carrying the code, as when the saver has approved. Everything else passes through.
 */
export function simulatorCustomerFetch(psuId: string, inner: FetchFunction = fetch): FetchFunction {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (
      init?.method !== 'POST' ||
      !new URL(url).pathname.endsWith(DEFAULT_NORDEA_PATHS.authorize) ||
      !init.body
    ) {
      return inner(input, init);
    }
    const body = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(init.body as Uint8Array).toString('utf8')),
        psu_id: psuId,
      }),
    );
    const headers = new Headers(init.headers);
    headers.set('Digest', sha256Digest(body));
    const scenarios = headers.get('X-Response-Scenarios');
    headers.set(
      'X-Response-Scenarios',
      scenarios ? `${scenarios},AuthenticationSkipUI` : 'AuthenticationSkipUI',
    );
    return inner(input, { ...init, headers, body });
  };
}
