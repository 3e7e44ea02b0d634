/**
 * Typed domain errors. `code` is stable so the HTTP layer can map it to a problem+json type
 * without matching on messages.
 */
export type DomainErrorCode =
  | 'invalid-amount'
  | 'amount-out-of-range'
  | 'currency-mismatch'
  | 'invalid-currency'
  | 'invalid-date'
  | 'invalid-split'
  | 'illegal-transfer-transition'
  | 'transfer-allocation-mismatch';

export class DomainError extends Error {
  readonly code: DomainErrorCode;

  constructor(code: DomainErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class InvalidAmountError extends DomainError {
  constructor(message: string) {
    super('invalid-amount', message);
  }
}

export class AmountOutOfRangeError extends DomainError {
  constructor(message: string) {
    super('amount-out-of-range', message);
  }
}

export class CurrencyMismatchError extends DomainError {
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string) {
    super('currency-mismatch', `Cannot combine ${expected} with ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

export class InvalidCurrencyError extends DomainError {
  constructor(currency: string) {
    super('invalid-currency', `Not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  }
}

export class InvalidDateError extends DomainError {
  constructor(message: string) {
    super('invalid-date', message);
  }
}

export class InvalidSplitError extends DomainError {
  constructor(message: string) {
    super('invalid-split', message);
  }
}

export class IllegalTransferTransitionError extends DomainError {
  readonly from: string;
  readonly event: string;

  constructor(from: string, event: string) {
    super('illegal-transfer-transition', `A transfer in state ${from} cannot take event ${event}`);
    this.from = from;
    this.event = event;
  }
}

export class TransferAllocationMismatchError extends DomainError {
  constructor(message: string) {
    super('transfer-allocation-mismatch', message);
  }
}
