/**
 * What use cases report when a request cannot be done. They know nothing of HTTP; the one error
 * mapper in shared/http turns each kind into its problem+json status.
 */
export class AppError extends Error {}

export interface InvalidField {
  pointer: string;
  detail: string;
  code?: string;
}

/** The request is well-formed but breaks a rule (a weak password, an impossible date): 422. */
export class RuleViolation extends AppError {
  constructor(
    message: string,
    readonly fields: InvalidField[] = [],
  ) {
    super(message);
  }
}

/** The request's content is malformed in a way only the use case can see (a bad cursor, a bad merge): 400. */
export class InvalidInput extends AppError {
  constructor(
    message: string,
    readonly fields: InvalidField[] = [],
  ) {
    super(message);
  }
}

/** Email and password do not match an account; deliberately says no more: 401. */
export class InvalidCredentials extends AppError {
  constructor() {
    super('The email or password is not correct.');
  }
}

/** Missing, expired, revoked or reused session or token: 401. */
export class NotAuthenticated extends AppError {}

/** The thing does not exist for this saver (whether or not it exists for another): 404. */
export class NotFound extends AppError {}

/** The request conflicts with the current state (an email already registered): 409. */
export class Conflict extends AppError {}

/** Too many attempts; try again after retryAfterSeconds: 429. */
export class Throttled extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}
