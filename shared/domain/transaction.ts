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
  return purchaseMatcher(match)(purchaseTextsOf(transaction));
}

/** A transaction's texts, lower-cased once so that many rules can match against them cheaply. */
export type PurchaseTexts = {
  counterparty: string;
  text: string;
  category: string | undefined;
};

export function purchaseTextsOf(transaction: Transaction): PurchaseTexts {
  return {
    counterparty: lowerCaseOf(transaction.counterpartyName) ?? '',
    text: lowerCaseOf(transaction.text) ?? '',
    category: lowerCaseOf(transaction.merchantCategory),
  };
}

/**
 * `match` as a predicate over `purchaseTextsOf`, with its own texts lower-cased once: the rules engine
 * builds it once per rule and runs it on every purchase.
 */
export function purchaseMatcher(match: PurchaseMatch): (texts: PurchaseTexts) => boolean {
  const merchantText = lowerCaseOf(match.merchantText);
  const counterparty = lowerCaseOf(match.counterparty);
  const category = lowerCaseOf(match.category);
  return (texts) =>
    (merchantText === undefined ||
      texts.text.includes(merchantText) ||
      texts.counterparty.includes(merchantText)) &&
    (counterparty === undefined || texts.counterparty === counterparty) &&
    (category === undefined || texts.category === category);
}

/** Like `text?.toLocaleLowerCase('da-DK')`: absent (or null from loosely typed data) stays absent. */
function lowerCaseOf(text: string | undefined): string | undefined {
  return text === undefined || text === null ? undefined : lowerCase(text);
}

const lowerCased = new Map<string, string>();

/**
 * Danish lower case, remembered (bounded): merchant names and categories repeat across thousands of
 * transactions, and locale-aware case mapping is slow compared with a lookup.
 */
export function lowerCase(text: string): string {
  let lower = lowerCased.get(text);
  if (lower === undefined) {
    lower = text.toLocaleLowerCase('da-DK');
    if (lowerCased.size >= 10_000) lowerCased.clear();
    lowerCased.set(text, lower);
  }
  return lower;
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
