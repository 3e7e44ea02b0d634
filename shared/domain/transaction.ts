import { z } from 'zod';
import { LocalDateSchema } from './calendar.ts';
import { CurrencyCodeSchema, MinorAmountSchema } from './money.ts';

/**
 * A bank-neutral transaction as the rules see it. The bank adapter maps Nordea fields into this shape:
 * `bookingDate` is the local booking date, `amountMinor` is negative for money out.
 */
export const TransactionSchema = z.strictObject({
  id: z.string().min(1),
  accountId: z.string().min(1),
  bookingDate: LocalDateSchema,
  amountMinor: MinorAmountSchema,
  currency: CurrencyCodeSchema,
  status: z.enum(['booked', 'reserved']),
  kind: z.enum(['card', 'transfer', 'incoming', 'other']),
  counterpartyName: z.string().optional(),
  merchantCategory: z.string().optional(),
  text: z.string().optional(),
});
export type Transaction = z.infer<typeof TransactionSchema>;

/**
 * Which purchases a rule means. Every given field must match (AND): `merchantText` is a
 * case-insensitive substring of the text or counterparty name, `counterparty` equals the
 * counterparty name ignoring case, `category` equals the merchant category (MCC or category name).
 */
export const PurchaseMatchSchema = z
  .strictObject({
    merchantText: z.string().trim().min(1).optional(),
    counterparty: z.string().trim().min(1).optional(),
    category: z.string().trim().min(1).optional(),
  })
  .refine(
    (match) =>
      match.merchantText !== undefined || match.counterparty !== undefined || match.category !== undefined,
    'give at least one of merchantText, counterparty, category',
  );
export type PurchaseMatch = z.infer<typeof PurchaseMatchSchema>;

/** Only booked items trigger rules; reserved (pending) ones are shown, never acted on. */
export function isBooked(transaction: Transaction): boolean {
  return transaction.status === 'booked';
}

/** A booked card payment out of the account. Refunds (money in on a card) are not purchases. */
export function isCardPurchase(transaction: Transaction): boolean {
  return transaction.status === 'booked' && transaction.kind === 'card' && transaction.amountMinor < 0;
}

/** A booked payment into the account from someone else (salary, transfers in). */
export function isIncomingPayment(transaction: Transaction): boolean {
  return transaction.status === 'booked' && transaction.kind === 'incoming' && transaction.amountMinor > 0;
}

export function matchesPurchase(transaction: Transaction, match: PurchaseMatch): boolean {
  const counterparty = transaction.counterpartyName?.toLocaleLowerCase('da-DK') ?? '';
  if (match.merchantText !== undefined) {
    const needle = match.merchantText.toLocaleLowerCase('da-DK');
    const text = transaction.text?.toLocaleLowerCase('da-DK') ?? '';
    if (!text.includes(needle) && !counterparty.includes(needle)) return false;
  }
  if (match.counterparty !== undefined && counterparty !== match.counterparty.toLocaleLowerCase('da-DK')) {
    return false;
  }
  if (
    match.category !== undefined &&
    transaction.merchantCategory?.toLocaleLowerCase('da-DK') !== match.category.toLocaleLowerCase('da-DK')
  ) {
    return false;
  }
  return true;
}

/** A readable name for explanations: the counterparty, else the text, else the id. */
export function describeTransaction(transaction: Transaction): string {
  return transaction.counterpartyName?.trim() || transaction.text?.trim() || `transaction ${transaction.id}`;
}

/** Canonical order: booking date, then id, so evaluation never depends on the order the bank sent. */
export function compareTransactions(a: Transaction, b: Transaction): number {
  if (a.bookingDate !== b.bookingDate) return a.bookingDate < b.bookingDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
