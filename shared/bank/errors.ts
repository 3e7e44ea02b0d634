/**
 * Typed errors of the Nordea client. Callers branch on the class (`instanceof`), never on messages:
 * each class says what the caller may do next (refresh, re-consent, back off, reconcile, give up).
 */

export interface BankFailure {
  code: string;
  description?: string;
  path?: string;
}

interface BankErrorDetails {
  status?: number;
  failures?: BankFailure[];
  cause?: unknown;
}

export abstract class BankError extends Error {
  /** HTTP status of the bank's answer, when there was one. */
  readonly status: number | undefined;
  /** Failure codes from Nordea's error body (or the gateway's message), for logs and mapping. */
  readonly failures: readonly BankFailure[];
  /** Whether repeating the same request later can succeed (only ever done automatically for reads). */
  abstract readonly retryable: boolean;

  constructor(message: string, details: BankErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.failures = details.failures ?? [];
  }
}

/** The access token is expired or invalid: refresh it (once) and repeat. */
export class BankAuthExpiredError extends BankError {
  override readonly name = 'BankAuthExpiredError';
  readonly retryable = false;
}

/** The consent is gone (revoked, expired, refresh token refused) or does not cover the resource: ask the saver to reconnect. */
export class BankConsentRevokedError extends BankError {
  override readonly name = 'BankConsentRevokedError';
  readonly retryable = false;
}

/** Our own credentials or signature were refused (client id/secret, signing key): a configuration fault. */
export class BankCredentialsError extends BankError {
  override readonly name = 'BankCredentialsError';
  readonly retryable = false;
}

/** The payment cannot be made: the debtor account lacks funds (ISO code AM04). */
export class BankInsufficientFundsError extends BankError {
  override readonly name = 'BankInsufficientFundsError';
  readonly retryable = false;
}

/** Nordea's per-app limit was hit. The request was refused before it ran, so it may be repeated later. */
export class BankRateLimitedError extends BankError {
  override readonly name = 'BankRateLimitedError';
  readonly retryable = true;
  /** From `Retry-After`, when the gateway sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: BankErrorDetails & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The bank refused the request as invalid (4xx): repeating it unchanged will fail again. */
export class BankValidationError extends BankError {
  override readonly name = 'BankValidationError';
  readonly retryable = false;
}

/** The bank failed (5xx). Reads may be retried; a payment creation that got this is ambiguous instead. */
export class BankServerError extends BankError {
  override readonly name = 'BankServerError';
  readonly retryable = true;
}

/** No answer in time, or the connection failed: the bank may or may not have acted. */
export class BankTimeoutError extends BankError {
  override readonly name = 'BankTimeoutError';
  readonly retryable = true;
}

/** The bank's answer did not match its documented shape (missing fields, hostile amounts, wrong types). */
export class BankResponseError extends BankError {
  override readonly name = 'BankResponseError';
  readonly retryable = false;
}

/**
 * A payment creation was sent but its outcome is unknown (timeout, dropped connection, 5xx, unreadable
 * answer). Never create again blindly: look the payment up by `externalId` (findPaymentsByExternalId)
 * and create anew only when the bank proves it has none.
 */
export class AmbiguousPaymentError extends BankError {
  override readonly name = 'AmbiguousPaymentError';
  readonly retryable = false;
  readonly externalId: string;

  constructor(externalId: string, details: BankErrorDetails) {
    super(`Outcome of payment creation ${externalId} is unknown; reconcile by external_id`, details);
    this.externalId = externalId;
  }
}

/** The redirect back from the bank did not carry the `state` we sent: possible CSRF, drop it. */
export class OAuthStateMismatchError extends BankError {
  override readonly name = 'OAuthStateMismatchError';
  readonly retryable = false;
}

/** The authorization flow did not produce a code (bank reported an error, or no redirect was returned). */
export class BankAuthorizationError extends BankError {
  override readonly name = 'BankAuthorizationError';
  readonly retryable = false;
}

/**
 * A refreshed token set could not be persisted. The old refresh token is already spent, so the new
 * access token is not used; the caller should mark the connection as needing re-consent.
 */
export class TokenPersistenceError extends BankError {
  override readonly name = 'TokenPersistenceError';
  readonly retryable = false;
}
