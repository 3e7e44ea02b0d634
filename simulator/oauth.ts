import { randomBytes } from 'node:crypto';
import type { RequestContext, SimulatorCore } from './core.ts';
import { addMonths, bankDate } from './dates.ts';
import {
  escapeHtml,
  type Failure,
  groupHeader,
  isRecord,
  nordeaError,
  type Reply,
  redirect,
} from './http.ts';
import { createCustomer } from './spending.ts';
import { type Consent, type Customer, findAccountByNumber, type PendingAuthorization } from './state.ts';

/** Redirect OAuth (Authorization v5): authorize → code → tokens, rotating single-use refresh tokens, revoke. */

export const KNOWN_SCOPES = [
  'ACCOUNTS_BASIC',
  'ACCOUNTS_BALANCES',
  'ACCOUNTS_DETAILS',
  'ACCOUNTS_TRANSACTIONS',
  'PAYMENTS_MULTIPLE',
  'PAYMENTS_SINGLE_SCA',
  'CARDS_INFORMATION',
  'CARDS_TRANSACTIONS',
];
const COUNTRIES = ['FI', 'DK', 'NO', 'SE'];
const MAX_DURATION_MINUTES = 259_200; // 180 days
const DEFAULT_MAX_TX_HISTORY_MONTHS = 2;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function parseJsonBody(context: RequestContext): unknown {
  try {
    return JSON.parse(context.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function validationError(context: RequestContext, failures: Failure[]): Reply {
  return nordeaError(context.now, 400, context.path, failures);
}

function invalidField(path: string, description: string, type = 'Invalid'): Failure {
  return { code: 'error.validation', description, path, type };
}

function withQuery(uri: string, parameters: Record<string, string>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.toString();
}

/** Validates an AuthRequest body into a pending authorization (the shape the consent page also uses). */
function parseAuthorizeRequest(context: RequestContext, body: unknown): PendingAuthorization | Reply {
  if (!isRecord(body))
    return validationError(context, [invalidField('body', 'Request body must be a JSON object.')]);
  const failures: Failure[] = [];
  const { country, duration, redirect_uri: redirectUri, scope, state } = body;
  if (typeof country !== 'string' || !COUNTRIES.includes(country)) {
    failures.push(invalidField('country', 'country must be one of FI, DK, NO, SE.', 'NotNull'));
  }
  if (typeof redirectUri !== 'string' || !context.app?.redirectUris.includes(redirectUri)) {
    failures.push(invalidField('redirect_uri', 'redirect_uri is not registered for this application.'));
  }
  if (typeof state !== 'string' || state.length === 0)
    failures.push(invalidField('state', 'state is required.', 'NotNull'));
  const scopes = Array.isArray(scope) ? scope.filter((item): item is string => typeof item === 'string') : [];
  if (scopes.length === 0 || scopes.length !== (scope as unknown[]).length) {
    failures.push(invalidField('scope', 'scope must be a non-empty array of scope names.', 'NotNull'));
  } else {
    const unknown = scopes.filter((item) => !KNOWN_SCOPES.includes(item));
    if (unknown.length > 0) failures.push(invalidField('scope', `Unknown scope(s): ${unknown.join(', ')}.`));
    if (scopes.some((item) => item.startsWith('ACCOUNTS_')) && !scopes.includes('ACCOUNTS_BASIC')) {
      failures.push(
        invalidField('scope', 'ACCOUNTS_BASIC is mandatory when any ACCOUNTS_* scope is requested.'),
      );
    }
  }
  const singleSca = scopes.includes('PAYMENTS_SINGLE_SCA');
  let durationMinutes = 24 * 60;
  if (duration === undefined || duration === null) {
    if (!singleSca) failures.push(invalidField('duration', 'duration (minutes) is required.', 'NotNull'));
  } else if (
    !Number.isInteger(duration) ||
    (duration as number) < 1 ||
    (duration as number) > MAX_DURATION_MINUTES
  ) {
    failures.push(
      invalidField('duration', `duration must be an integer from 1 to ${MAX_DURATION_MINUTES} minutes.`),
    );
  } else {
    durationMinutes = duration as number;
  }
  let maxTxHistoryMonths = DEFAULT_MAX_TX_HISTORY_MONTHS;
  if (body.max_tx_history !== undefined) {
    const value = body.max_tx_history;
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 18) {
      failures.push(
        invalidField('max_tx_history', 'max_tx_history must be an integer from 1 to 18 (months).'),
      );
    } else {
      maxTxHistoryMonths = value as number;
    }
  }
  let accountList = ['ALL'];
  if (body.account_list !== undefined) {
    if (!Array.isArray(body.account_list) || !body.account_list.every((item) => typeof item === 'string')) {
      failures.push(
        invalidField('account_list', 'account_list must be an array of account numbers or ["ALL"].'),
      );
    } else {
      accountList = body.account_list as string[];
    }
  } else if (body.skip_account_selection === true) {
    failures.push(
      invalidField(
        'account_list',
        'account_list is required when skip_account_selection is true.',
        'NotNull',
      ),
    );
  }
  if (body.psu_id !== undefined && (typeof body.psu_id !== 'string' || body.psu_id.length === 0)) {
    failures.push(invalidField('psu_id', 'psu_id must be a non-empty string.'));
  }
  if (failures.length > 0) return validationError(context, failures);
  return {
    id: newToken(),
    clientId: context.app?.clientId ?? '',
    redirectUri: redirectUri as string,
    state: state as string,
    country: country as string,
    scopes,
    durationMinutes,
    maxTxHistoryMonths,
    accountList,
    ...(typeof body.psu_id === 'string' ? { psuId: body.psu_id } : {}),
    createdAt: context.now.toISOString(),
  };
}

/**
 * The PSU approves: a fresh customer (with history up to yesterday) unless an existing one is named, a
 * consent over the selected accounts, and a short-lived single-use code.
 */
function approve(core: SimulatorCore, request: PendingAuthorization, now: Date): { code: string } | string {
  let customer: Customer | undefined = request.psuId ? core.state.customers[request.psuId] : undefined;
  customer ??= createCustomer(core.state, {
    country: request.country,
    now: now.getTime(),
    ...(request.psuId ? { customerId: request.psuId } : {}),
  });
  let accountIds = customer.accountIds;
  if (!request.accountList.includes('ALL')) {
    const owned = new Set(customer.accountIds);
    accountIds = request.accountList
      .map((number) => findAccountByNumber(core.state, number)?.id)
      .filter((id): id is string => id !== undefined && owned.has(id));
    if (accountIds.length === 0) return 'account_list names no account of this PSU.';
  }
  const consent: Consent = {
    id: newToken(),
    clientId: request.clientId,
    customerId: customer.id,
    scopes: request.scopes,
    accountIds,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + request.durationMinutes * 60_000).toISOString(),
    maxTxHistoryMonths: request.maxTxHistoryMonths,
  };
  core.state.consents[consent.id] = consent;
  const code = newToken();
  core.state.authorizationCodes[code] = {
    consentId: consent.id,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    expiresAt: new Date(now.getTime() + core.settings.authorizationCodeTtlSeconds * 1_000).toISOString(),
    used: false,
  };
  core.changed();
  return { code };
}

export function authorize(core: SimulatorCore, context: RequestContext): Reply {
  const parsed = parseAuthorizeRequest(context, parseJsonBody(context));
  if ('status' in parsed) return parsed;
  if (core.settings.consentPage && !context.scenarios.includes('AuthenticationSkipUI')) {
    core.state.pendingAuthorizations[parsed.id] = parsed;
    core.changed();
    return redirect(`${core.baseUrl}/__consent/${parsed.id}`);
  }
  const approved = approve(core, parsed, context.now);
  if (typeof approved === 'string') return validationError(context, [invalidField('account_list', approved)]);
  return redirect(withQuery(parsed.redirectUri, { code: approved.code, state: parsed.state }));
}

function issueTokens(core: SimulatorCore, consent: Consent, now: Date): Reply {
  const accessToken = newToken();
  const refreshToken = newToken();
  const expiresAt = Math.min(
    now.getTime() + core.settings.accessTokenTtlSeconds * 1_000,
    Date.parse(consent.expiresAt),
  );
  core.state.accessTokens[accessToken] = {
    consentId: consent.id,
    expiresAt: new Date(expiresAt).toISOString(),
  };
  core.state.refreshTokens[refreshToken] = { consentId: consent.id, used: false };
  core.changed();
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store' },
    json: {
      access_token: accessToken,
      expires_in: Math.max(0, Math.floor((expiresAt - now.getTime()) / 1_000)),
      token_type: 'Bearer',
      refresh_token: refreshToken,
    },
  };
}

export function token(core: SimulatorCore, context: RequestContext): Reply {
  const contentType = String(context.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    return validationError(context, [
      invalidField('Content-Type', 'Content-Type must be application/x-www-form-urlencoded.'),
    ]);
  }
  const form = new URLSearchParams(context.body.toString('utf8'));
  const grantType = form.get('grant_type');
  const now = context.now;
  const tokenError = (code: string, description: string): Reply =>
    nordeaError(now, 401, context.path, [{ code, description }]);
  if (grantType === 'authorization_code') {
    const codeValue = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!codeValue) return validationError(context, [invalidField('code', 'code is required.', 'NotNull')]);
    if (!redirectUri)
      return validationError(context, [invalidField('redirect_uri', 'redirect_uri is required.', 'NotNull')]);
    const code = core.state.authorizationCodes[codeValue];
    if (!code || code.clientId !== context.app?.clientId)
      return tokenError('error.token.invalid', 'Authorization code is invalid.');
    if (code.used) return tokenError('error.token.invalid', 'Authorization code has already been used.');
    if (Date.parse(code.expiresAt) <= now.getTime())
      return tokenError('error.token.expired', 'Authorization code has expired.');
    if (code.redirectUri !== redirectUri)
      return tokenError('error.token.invalid', 'redirect_uri does not match the authorization request.');
    code.used = true;
    const consent = core.state.consents[code.consentId];
    if (!consent || consent.revokedAt)
      return tokenError('error.token.invalid', 'Authorization code is invalid.');
    return issueTokens(core, consent, now);
  }
  if (grantType === 'refresh_token') {
    const refreshValue = form.get('refresh_token');
    if (!refreshValue)
      return validationError(context, [
        invalidField('refresh_token', 'refresh_token is required.', 'NotNull'),
      ]);
    const refresh = core.state.refreshTokens[refreshValue];
    const consent = refresh ? core.state.consents[refresh.consentId] : undefined;
    if (!refresh || !consent || consent.clientId !== context.app?.clientId) {
      return tokenError('error.token.invalid', 'Refresh token is invalid.');
    }
    // Single use: a refresh token that was exchanged once is dead, even if the new one was never received.
    if (refresh.used) return tokenError('error.token.invalid', 'Refresh token has already been used.');
    if (consent.revokedAt)
      return tokenError('error.token.invalid', 'Refresh token is invalid: the consent has been revoked.');
    if (Date.parse(consent.expiresAt) <= now.getTime())
      return tokenError('error.token.expired', 'Consent has expired.');
    refresh.used = true;
    return issueTokens(core, consent, now);
  }
  return validationError(context, [
    invalidField('grant_type', 'grant_type must be authorization_code or refresh_token.', 'NotNull'),
  ]);
}

export function revoke(core: SimulatorCore, context: RequestContext): Reply {
  const body = parseJsonBody(context);
  if (!isRecord(body) || typeof body.token !== 'string' || body.token.length === 0) {
    return validationError(context, [invalidField('token', 'token is required.', 'NotNull')]);
  }
  const consentId =
    core.state.refreshTokens[body.token]?.consentId ?? core.state.accessTokens[body.token]?.consentId;
  const consent = consentId ? core.state.consents[consentId] : undefined;
  // As RFC 7009: an unknown token is not an error, there is simply nothing to revoke.
  if (consent && consent.clientId === context.app?.clientId && !consent.revokedAt) {
    consent.revokedAt = context.now.toISOString();
    core.changed();
  }
  return { status: 200, json: { group_header: groupHeader(context.now, 200), response: {} } };
}

export function assets(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context);
  if ('status' in authenticated) return authenticated;
  const { consent } = authenticated;
  const accounts = consent.accountIds
    .map((id) => core.state.accounts[id])
    .filter((account) => account !== undefined)
    .map((account) => ({ account_id: account.id, account_number: account.iban, currency: account.currency }));
  return {
    status: 200,
    json: {
      group_header: groupHeader(context.now, 200),
      response: { accounts, cards: [], scopes: consent.scopes },
    },
  };
}

/** Earliest booking date this consent may read: the last 90 days, and no more than `max_tx_history`. */
export function earliestReadableDate(consent: Consent, now: Date): string {
  const ninetyDays = bankDate(new Date(now.getTime() - 90 * 86_400_000));
  const history = addMonths(bankDate(new Date(consent.createdAt)), -consent.maxTxHistoryMonths);
  // ISO dates compare as strings; the later of the two limits wins.
  if (history > ninetyDays) return history;
  return ninetyDays;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#00005e}
h1{font-size:1.4rem}button{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem .3rem 0 0;border-radius:.4rem;border:1px solid #00005e;cursor:pointer}
button.primary{background:#0000a0;color:#fff}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}small{color:#555}</style>
</head><body><p><strong>Nordea</strong> <small>(sandbox simulator)</small></p>${body}</body></html>`;
}

export function consentPage(core: SimulatorCore, id: string): Reply {
  const pending = core.state.pendingAuthorizations[id];
  if (!pending)
    return {
      status: 404,
      html: page('Not found', '<h1>This authorization request is unknown or finished.</h1>'),
    };
  const scopes = pending.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  const days = Math.round((pending.durationMinutes / 1_440) * 10) / 10;
  return {
    status: 200,
    html: page(
      'Give access to your accounts',
      `<h1>${escapeHtml(pending.clientId)} asks for access to your accounts</h1>
<p>For ${days} days:</p><ul>${scopes}</ul>
<form method="post" action="/__consent/${encodeURIComponent(id)}">
<label>Customer id <small>(leave empty for a new customer with fresh accounts)</small><br>
<input name="psu_id" value="${escapeHtml(pending.psuId ?? '')}" autocomplete="off"></label>
<p><button class="primary" name="decision" value="approve">Approve</button>
<button name="decision" value="decline">Decline</button></p></form>`,
    ),
  };
}

export function consentDecision(core: SimulatorCore, id: string, body: Buffer, now: Date): Reply {
  const pending = core.state.pendingAuthorizations[id];
  if (!pending)
    return {
      status: 404,
      html: page('Not found', '<h1>This authorization request is unknown or finished.</h1>'),
    };
  delete core.state.pendingAuthorizations[id];
  core.changed();
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('decision') !== 'approve') {
    return redirect(withQuery(pending.redirectUri, { error: 'access_denied', state: pending.state }));
  }
  const psuId = form.get('psu_id')?.trim();
  const { psuId: _requested, ...rest } = pending;
  const approved = approve(core, psuId ? { ...rest, psuId } : rest, now);
  if (typeof approved === 'string')
    return { status: 400, html: page('Cannot continue', `<h1>${escapeHtml(approved)}</h1>`) };
  return redirect(withQuery(pending.redirectUri, { code: approved.code, state: pending.state }));
}
