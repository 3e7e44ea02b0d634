import { z } from 'zod';
import { currencyCodeSchema, nordeaAmountSchema } from './accounts.ts';
import { AmountFormatError, formatMinorAsDecimal, parseAmountToMinor } from './amount.ts';
import { BankResponseError } from './errors.ts';

/** Domestic payments v5: the request we send, the payloads Nordea answers with, and their neutral shape. */

export const PAYMENT_ACCOUNT_TYPES = [
  'IBAN',
  'BBAN_DK',
  'BBAN_SE',
  'BBAN_NO',
  'BGNR',
  'PGNR',
  'GIRO_DK',
] as const;

const paymentAccountSchema = z.object({
  type: z.enum(PAYMENT_ACCOUNT_TYPES),
  value: z.string().regex(/^[A-Za-z0-9 -]{1,64}$/),
  currency: currencyCodeSchema.optional(),
});

export const domesticPaymentRequestSchema = z.object({
  /** Our own reference (derived from the intent key); how an ambiguous outcome is reconciled. */
  externalId: z.string().min(1).max(64),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: currencyCodeSchema,
  debtor: z.object({ account: paymentAccountSchema, ownMessage: z.string().max(20).optional() }),
  creditor: z.object({
    account: paymentAccountSchema,
    name: z.string().max(70).optional(),
    message: z.string().max(140).optional(),
  }),
  urgency: z.enum(['standard', 'express', 'sameday']).default('standard'),
  requestedExecutionDate: z.iso.date().optional(),
});

export type DomesticPaymentRequest = z.input<typeof domesticPaymentRequestSchema>;

function accountJson(account: z.output<typeof paymentAccountSchema>): Record<string, string> {
  return {
    _type: account.type,
    value: account.value,
    ...(account.currency === undefined ? {} : { currency: account.currency }),
  };
}

/** The v5 body: `instructed_amount` replaces v4's top-level amount; the amount is exact decimal text. */
export function domesticPaymentBody(
  request: z.output<typeof domesticPaymentRequestSchema>,
): Record<string, unknown> {
  return {
    external_id: request.externalId,
    instructed_amount: {
      amount: formatMinorAsDecimal(request.amountMinor, request.currency),
      currency: request.currency,
    },
    debtor: {
      account: accountJson({
        ...request.debtor.account,
        currency: request.debtor.account.currency ?? request.currency,
      }),
      ...(request.debtor.ownMessage === undefined ? {} : { message: request.debtor.ownMessage }),
    },
    creditor: {
      account: accountJson(request.creditor.account),
      ...(request.creditor.name === undefined ? {} : { name: request.creditor.name }),
      ...(request.creditor.message === undefined ? {} : { message: request.creditor.message }),
    },
    urgency: request.urgency,
    ...(request.requestedExecutionDate === undefined
      ? {}
      : { requested_execution_date: request.requestedExecutionDate }),
  };
}

const linkSchema = z.object({ rel: z.string().max(100).nullish(), href: z.string().max(4000).nullish() });
const linksSchema = z.array(linkSchema).max(50).nullish();

const nordeaPaymentSchema = z.object({
  _id: z.string().min(1).max(512),
  external_id: z.string().max(512).nullish(),
  payment_status: z.string().min(1).max(100),
  instructed_amount: z.object({ amount: nordeaAmountSchema, currency: currencyCodeSchema }).nullish(),
  amount: nordeaAmountSchema.nullish(),
  currency: currencyCodeSchema.nullish(),
  planned_execution_date: z.string().max(40).nullish(),
  tpp_messages: z
    .array(
      z.object({
        category: z.string().max(20).nullish(),
        code: z.string().max(50).nullish(),
        text: z.string().max(2000).nullish(),
      }),
    )
    .max(100)
    .nullish(),
  _links: linksSchema,
});

type NordeaPayment = z.output<typeof nordeaPaymentSchema>;

export const paymentResponseSchema = z.object({ response: nordeaPaymentSchema });

export const paymentListResponseSchema = z.object({
  _links: linksSchema,
  response: z.union([
    z.object({ payments: z.array(nordeaPaymentSchema).max(10_000), _links: linksSchema }),
    z.array(nordeaPaymentSchema).max(10_000),
  ]),
  errors: z
    .array(
      z.object({
        error: z.string().max(200).nullish(),
        error_description: z.string().max(2000).nullish(),
        payment_id: z.string().max(512).nullish(),
      }),
    )
    .max(1000)
    .nullish(),
});

export type PaymentStatus =
  | 'pending_confirmation'
  | 'pending_second_confirmation'
  | 'pending_user_approval'
  | 'on_hold'
  | 'confirmed'
  | 'paid'
  | 'rejected'
  | 'insufficient_funds'
  | 'limit_exceeded'
  | 'approval_failed'
  | 'approval_timeout'
  | 'approval_cancelled'
  | 'cancelled'
  | 'stopped'
  | 'unknown';

const STATUS_BY_NORDEA_NAME: Readonly<Record<string, PaymentStatus>> = {
  PendingConfirmation: 'pending_confirmation',
  PendingSecondConfirmation: 'pending_second_confirmation',
  PendingUserApproval: 'pending_user_approval',
  OnHold: 'on_hold',
  Confirmed: 'confirmed',
  Paid: 'paid',
  Rejected: 'rejected',
  InsufficientFunds: 'insufficient_funds',
  LimitExceeded: 'limit_exceeded',
  UserApprovalFailed: 'approval_failed',
  UserApprovalTimeout: 'approval_timeout',
  UserApprovalCancelled: 'approval_cancelled',
  Cancelled: 'cancelled',
  Stopped: 'stopped',
  Unknown: 'unknown',
};

/** Statuses after which the bank will not change the payment any more. */
export const FINAL_PAYMENT_STATUSES: ReadonlySet<PaymentStatus> = new Set([
  'paid',
  'rejected',
  'insufficient_funds',
  'limit_exceeded',
  'approval_failed',
  'approval_timeout',
  'approval_cancelled',
  'cancelled',
  'stopped',
]);

export interface PaymentMessage {
  category: string | undefined;
  code: string | undefined;
  text: string | undefined;
}

export interface BankPayment {
  id: string;
  externalId: string | undefined;
  status: PaymentStatus;
  /** Nordea's own status name, kept for logs; statuses Nordea adds later map to `unknown`. */
  bankStatus: string;
  amountMinor: number;
  currency: string;
  plannedExecutionDate: string | undefined;
  messages: PaymentMessage[];
}

export interface PaymentConfirmation {
  payments: BankPayment[];
  /** Where the saver signs (SCA), when the bank asks for it. */
  signingUrl: string | undefined;
  errors: { paymentId: string | undefined; code: string | undefined; description: string | undefined }[];
}

export function mapPayment(payment: NordeaPayment): BankPayment {
  const amount = payment.instructed_amount?.amount ?? payment.amount;
  const currency = payment.instructed_amount?.currency ?? payment.currency;
  if (amount === undefined || amount === null || currency === undefined || currency === null) {
    throw new BankResponseError(`Payment ${payment._id} has no amount or currency`);
  }
  let amountMinor: number;
  try {
    amountMinor = parseAmountToMinor(amount, currency);
  } catch (error) {
    if (error instanceof AmountFormatError) {
      throw new BankResponseError(`Payment ${payment._id} has an unusable amount: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  return {
    id: payment._id,
    externalId: payment.external_id ?? undefined,
    status: STATUS_BY_NORDEA_NAME[payment.payment_status] ?? 'unknown',
    bankStatus: payment.payment_status,
    amountMinor,
    currency,
    plannedExecutionDate: payment.planned_execution_date ?? undefined,
    messages: (payment.tpp_messages ?? []).map((message) => ({
      category: message.category ?? undefined,
      code: message.code ?? undefined,
      text: message.text ?? undefined,
    })),
  };
}

export function paymentsOf(list: z.output<typeof paymentListResponseSchema>): NordeaPayment[] {
  return Array.isArray(list.response) ? list.response : list.response.payments;
}

export function mapConfirmation(list: z.output<typeof paymentListResponseSchema>): PaymentConfirmation {
  const payments = paymentsOf(list);
  const responseLinks = Array.isArray(list.response) ? [] : (list.response._links ?? []);
  const links = [
    ...(list._links ?? []),
    ...responseLinks,
    ...payments.flatMap((payment) => payment._links ?? []),
  ];
  const signing = links.find((link) => link.rel === 'signing' && link.href);
  return {
    payments: payments.map(mapPayment),
    signingUrl: signing?.href ?? undefined,
    errors: (list.errors ?? []).map((error) => ({
      paymentId: error.payment_id ?? undefined,
      code: error.error ?? undefined,
      description: error.error_description ?? undefined,
    })),
  };
}
