/** Public surface of the Nordea client. */
export type {
  BankAccount,
  BankAccountNumber,
  BankTransaction,
  TransactionKind,
  TransactionPage,
} from './accounts.ts';
export { AmountFormatError, currencyExponent, formatMinorAsDecimal, parseAmountToMinor } from './amount.ts';
export type { AuthorizationRequest, AuthorizationStart, BankTokenSet, NordeaScope } from './authorization.ts';
export { NORDEA_SCOPES, parseAuthorizationCallback } from './authorization.ts';
export type { ConfirmOptions, TransactionRange } from './client.ts';
export { NordeaClient } from './client.ts';
export type { NordeaConfig, NordeaPaths, NordeaSettings, ReadSecret } from './config.ts';
export {
  buildNordeaConfig,
  DEFAULT_NORDEA_PATHS,
  loadNordeaConfig,
  NORDEA_ENVIRONMENTS,
  NordeaConfigError,
} from './config.ts';
export type { BankConnectionOptions, TokenRefresher, TokenStore } from './connection.ts';
export { BankConnection } from './connection.ts';
export * from './errors.ts';
export type { ApiProduct, CallPacer, PacerClock } from './pacing.ts';
export { SlidingWindowPacer, UNPACED } from './pacing.ts';
export type { BankPayment, DomesticPaymentRequest, PaymentConfirmation, PaymentStatus } from './payments.ts';
export { FINAL_PAYMENT_STATUSES } from './payments.ts';
export { SANDBOX_SKIP_SIGNATURE } from './signing.ts';
export type { CallOptions, FetchFunction, RequestContext, TransportDependencies } from './transport.ts';
export { saverPresent, UNATTENDED } from './transport.ts';
