import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AmountFormatError, parseAmountToMinor } from './amount.ts';
import { BankResponseError } from './errors.ts';

/** Nordea's account and transaction payloads (ais-v4 swagger + v5 changelog) and their bank-neutral shape. */

export const nordeaAmountSchema = z.union([z.string().max(64), z.number()]);
export const currencyCodeSchema = z.string().regex(/^[A-Z]{3}$/);
const optionalText = z.string().max(1000).nullish();

/** `YYYY-MM-DD`, or a date-time whose date part is taken as written (the bank's own calendar day). */
const bankDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.+\-Z]{0,40})?$/)
  .transform((text) => text.slice(0, 10))
  .refine((date) => {
    const parsed = new Date(`${date}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
  }, 'not a calendar date');

const accountNumberSchema = z.object({ _type: z.string().max(40), value: z.string().min(1).max(64) });

const nordeaAccountSchema = z.object({
  _id: z.string().min(1).max(512),
  account_name: optionalText,
  nickname: optionalText,
  account_numbers: z.array(accountNumberSchema).max(20).default([]),
  account_type: optionalText,
  currency: currencyCodeSchema,
  available_balance: nordeaAmountSchema.nullish(),
  booked_balance: nordeaAmountSchema.nullish(),
  status: optionalText,
  product: optionalText,
});

export const accountListResponseSchema = z.object({
  response: z.object({ accounts: z.array(nordeaAccountSchema).max(1000) }),
});

export const accountDetailsResponseSchema = z.object({ response: nordeaAccountSchema });

const nordeaTransactionSchema = z.object({
  // Optional since v5.2; Danish ids change when a reservation books.
  transaction_id: z.string().min(1).max(512).nullish(),
  amount: nordeaAmountSchema,
  currency: currencyCodeSchema,
  booking_date: bankDateSchema,
  // An unknown status must never be mistaken for a booked one.
  status: z.enum(['reserved', 'billed', 'confirmed']),
  counterparty_name: optionalText,
  counterparty_account: optionalText,
  merchant_name: optionalText,
  card_number: optionalText,
  narrative: optionalText,
  message: optionalText,
  type_description: optionalText,
  transaction_type: optionalText,
});

export type NordeaTransaction = z.output<typeof nordeaTransactionSchema>;

export const transactionPageResponseSchema = z.object({
  group_header: z
    .object({
      message_pagination: z.object({ continuation_key: z.string().max(2000).nullish() }).nullish(),
    })
    .nullish(),
  response: z.object({
    transactions: z.array(nordeaTransactionSchema).max(10_000),
    continuation_key: z.string().max(2000).nullish(),
  }),
});

export interface BankAccountNumber {
  type: string;
  value: string;
}

export interface BankAccount {
  id: string;
  name: string;
  type: 'current' | 'savings' | 'other';
  currency: string;
  /** The number as the owner knows it: the domestic BBAN when present, else the IBAN. */
  number: string | undefined;
  numbers: BankAccountNumber[];
  /** Absent when the consent lacks ACCOUNTS_BALANCES. */
  availableMinor: number | undefined;
  bookedMinor: number | undefined;
  status: 'open' | 'closed' | 'unknown';
}

export type TransactionKind = 'card' | 'transfer' | 'incoming' | 'other';

export interface BankTransaction {
  id: string;
  accountId: string;
  bookingDate: string;
  amountMinor: number;
  currency: string;
  status: 'booked' | 'reserved';
  kind: TransactionKind;
  counterpartyName?: string;
  text?: string;
  merchantCategory?: string;
}

export interface TransactionPage {
  transactions: BankTransaction[];
  continuationKey: string | undefined;
}

function amountOrError(amount: string | number, currency: string, field: string): number {
  try {
    return parseAmountToMinor(amount, currency);
  } catch (error) {
    if (error instanceof AmountFormatError) {
      throw new BankResponseError(`Nordea sent an unusable ${field}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function present(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

export function mapAccount(account: z.output<typeof nordeaAccountSchema>): BankAccount {
  const accountType = account.account_type?.toLowerCase();
  const status = account.status?.toUpperCase();
  const domestic = account.account_numbers.find((number) => number._type.startsWith('BBAN'));
  const iban = account.account_numbers.find((number) => number._type === 'IBAN');
  const balance = (value: string | number | null | undefined, field: string): number | undefined =>
    value === undefined || value === null ? undefined : amountOrError(value, account.currency, field);
  return {
    id: account._id,
    name:
      present(account.nickname) ?? present(account.account_name) ?? present(account.product) ?? account._id,
    type: accountType === 'current' ? 'current' : accountType === 'savings' ? 'savings' : 'other',
    currency: account.currency,
    number: (domestic ?? iban ?? account.account_numbers[0])?.value,
    numbers: account.account_numbers.map((number) => ({ type: number._type, value: number.value })),
    availableMinor: balance(account.available_balance, 'available_balance'),
    bookedMinor: balance(account.booked_balance, 'booked_balance'),
    status: status === 'OPEN' ? 'open' : status === 'CLOSED' ? 'closed' : 'unknown',
  };
}

const TRANSFER_WORDS = /transfer|overf|överf|overfør|siirto|betaling|payment/i;

function kindOf(transaction: NordeaTransaction, amountMinor: number): TransactionKind {
  if (present(transaction.card_number) !== undefined) return 'card';
  if (amountMinor > 0) return 'incoming';
  const description = `${transaction.transaction_type ?? ''} ${transaction.type_description ?? ''}`;
  if (present(transaction.counterparty_account) !== undefined || TRANSFER_WORDS.test(description))
    return 'transfer';
  return 'other';
}

/**
 * Stable identity for transactions Nordea sends without an id (allowed since v5.2): a hash of what the
 * bank says about it plus its occurrence number among identical ones, so two equal coffees stay two.
 */
export class DerivedTransactionIds {
  private readonly occurrences = new Map<string, number>();

  idFor(accountId: string, transaction: NordeaTransaction): string {
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          accountId,
          transaction.status,
          transaction.booking_date,
          String(transaction.amount),
          transaction.currency,
          transaction.counterparty_name ?? null,
          transaction.card_number ?? null,
          transaction.narrative ?? null,
          transaction.message ?? null,
        ]),
      )
      .digest('base64url')
      .slice(0, 32);
    const occurrence = (this.occurrences.get(fingerprint) ?? 0) + 1;
    this.occurrences.set(fingerprint, occurrence);
    return `derived:${fingerprint}:${occurrence}`;
  }
}

export function mapTransaction(
  accountId: string,
  transaction: NordeaTransaction,
  derivedIds: DerivedTransactionIds,
): BankTransaction {
  const amountMinor = amountOrError(transaction.amount, transaction.currency, 'transaction amount');
  const counterpartyName = present(transaction.counterparty_name) ?? present(transaction.merchant_name);
  const text =
    present(transaction.narrative) ?? present(transaction.message) ?? present(transaction.type_description);
  return {
    id: transaction.transaction_id ?? derivedIds.idFor(accountId, transaction),
    accountId,
    bookingDate: transaction.booking_date,
    amountMinor,
    currency: transaction.currency,
    status: transaction.status === 'reserved' ? 'reserved' : 'booked',
    kind: kindOf(transaction, amountMinor),
    ...(counterpartyName === undefined ? {} : { counterpartyName }),
    ...(text === undefined ? {} : { text }),
  };
}

export function continuationKeyOf(page: z.output<typeof transactionPageResponseSchema>): string | undefined {
  const key = page.group_header?.message_pagination?.continuation_key ?? page.response.continuation_key;
  return key === null || key === undefined || key === '' ? undefined : key;
}
