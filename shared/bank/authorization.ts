import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BankAuthorizationError, BankResponseError, OAuthStateMismatchError } from './errors.ts';

/** Redirect OAuth v5: the authorize request, the callback check and the token set. */

export const NORDEA_SCOPES = [
  'ACCOUNTS_BASIC',
  'ACCOUNTS_BALANCES',
  'ACCOUNTS_DETAILS',
  'ACCOUNTS_TRANSACTIONS',
  'PAYMENTS_MULTIPLE',
  'PAYMENTS_SINGLE_SCA',
  'CARDS_INFORMATION',
  'CARDS_TRANSACTIONS',
] as const;

export type NordeaScope = (typeof NORDEA_SCOPES)[number];

export const authorizationRequestSchema = z
  .object({
    /** Unguessable, bound to the saver's session; checked again on the way back. */
    state: z.string().min(16).max(512),
    scopes: z.array(z.enum(NORDEA_SCOPES)).min(1),
    /** Consent length in minutes (Nordea allows up to 180 days). */
    durationMinutes: z.number().int().min(1).max(259_200),
    accountList: z.array(z.string().min(1).max(64)).max(100).optional(),
    skipAccountSelection: z.boolean().optional(),
    language: z.enum(['fi', 'da', 'sv', 'en', 'no']).optional(),
    maxTxHistoryMonths: z.number().int().min(1).max(18).optional(),
    authenticationMethod: z.string().min(1).max(40).optional(),
  })
  .refine(
    (request) =>
      !request.scopes.some((scope) => scope.startsWith('ACCOUNTS_')) ||
      request.scopes.includes('ACCOUNTS_BASIC'),
    {
      message: 'ACCOUNTS_BASIC is required with any ACCOUNTS_* scope',
      path: ['scopes'],
    },
  )
  .refine((request) => request.skipAccountSelection !== true || (request.accountList?.length ?? 0) > 0, {
    message: 'accountList is required when skipAccountSelection is true',
    path: ['accountList'],
  });

export interface AuthorizationRequest {
  state: string;
  scopes: readonly NordeaScope[];
  durationMinutes: number;
  accountList?: readonly string[];
  skipAccountSelection?: boolean;
  language?: 'fi' | 'da' | 'sv' | 'en' | 'no';
  maxTxHistoryMonths?: number;
  authenticationMethod?: string;
}

export function authorizeBody(
  request: z.output<typeof authorizationRequestSchema>,
  settings: { country: string; redirectUri: string },
): Record<string, unknown> {
  return {
    country: settings.country,
    duration: request.durationMinutes,
    redirect_uri: settings.redirectUri,
    scope: request.scopes,
    state: request.state,
    ...(request.accountList === undefined ? {} : { account_list: request.accountList }),
    ...(request.skipAccountSelection === undefined
      ? {}
      : { skip_account_selection: request.skipAccountSelection }),
    ...(request.language === undefined ? {} : { language: request.language }),
    ...(request.maxTxHistoryMonths === undefined ? {} : { max_tx_history: request.maxTxHistoryMonths }),
    ...(request.authenticationMethod === undefined
      ? {}
      : { authentication_method: request.authenticationMethod }),
  };
}

export interface AuthorizationStart {
  /** Where to send the saver's browser (Nordea's login in production). */
  redirectUrl: string;
  /**
   * Set when the bank redirected straight back to our redirect URI (Nordea's sandbox skips its UI):
   * the code, already checked against `state`.
   */
  code: string | undefined;
}

function sameState(received: string, expected: string): boolean {
  const receivedBytes = Buffer.from(received, 'utf8');
  const expectedBytes = Buffer.from(expected, 'utf8');
  return receivedBytes.length === expectedBytes.length && timingSafeEqual(receivedBytes, expectedBytes);
}

/**
 * Reads the redirect back from the bank (`redirect_uri?code=…&state=…`, or `?error=…`) and returns the
 * code only if `state` is the one we issued.
 */
export function parseAuthorizationCallback(
  callback: URL | URLSearchParams | string,
  expectedState: string,
): string {
  const parameters =
    callback instanceof URLSearchParams
      ? callback
      : new URL(callback.toString(), 'http://callback.invalid').searchParams;
  const state = parameters.get('state');
  if (state === null || !sameState(state, expectedState)) {
    throw new OAuthStateMismatchError('Authorization callback state does not match the state we sent');
  }
  const error = parameters.get('error');
  if (error !== null) {
    const description = parameters.get('error_description');
    throw new BankAuthorizationError(
      `Authorization failed: ${error}${description ? ` (${description})` : ''}`,
      {
        failures: [{ code: error, ...(description === null ? {} : { description }) }],
      },
    );
  }
  const code = parameters.get('code');
  if (code === null || code.length === 0)
    throw new BankAuthorizationError('Authorization callback has no code');
  return code;
}

/** Whether `location` points back at our redirect URI rather than at the bank's login UI. */
export function isRedirectBack(location: URL, redirectUri: string): boolean {
  const ours = new URL(redirectUri);
  return location.origin === ours.origin && location.pathname === ours.pathname;
}

export interface BankTokenSet {
  accessToken: string;
  /** Single use: every refresh returns a new one and spends this one. */
  refreshToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
}

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1).max(8192),
  refresh_token: z.string().min(1).max(8192),
  expires_in: z.union([
    z.number().int().positive().max(31_536_000),
    z
      .string()
      .regex(/^\d{1,8}$/)
      .transform(Number),
  ]),
  token_type: z.string().regex(/^bearer$/i),
});

export function tokenSetFrom(body: z.output<typeof tokenResponseSchema>, now: Date): BankTokenSet {
  if (body.expires_in <= 0) throw new BankResponseError('Token response has a non-positive expires_in');
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    accessTokenExpiresAt: now.getTime() + body.expires_in * 1000,
  };
}
