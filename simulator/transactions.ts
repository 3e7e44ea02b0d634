import { bankDate, isIsoDate } from './dates.ts';
import { isRecord } from './http.ts';
import { parseAmountToMinor } from './money.ts';
import { createRandom, hashSeed } from './random.ts';
import { type Account, findTransaction, type SimulatorState, type Transaction } from './state.ts';

/** A Nordea-shaped transaction from a request body (admin API and dynamic sandbox share this reading). */
export function transactionFromBody(
  state: SimulatorState,
  account: Account,
  body: unknown,
  now: Date,
): Transaction | { path: string; description: string } {
  if (!isRecord(body)) return { path: 'body', description: 'Request body must be a JSON object.' };
  const amountMinor = parseAmountToMinor(body.amount);
  if (amountMinor === undefined)
    return { path: 'amount', description: 'amount must be a decimal amount such as "-47.50".' };
  if (body.currency !== account.currency)
    return { path: 'currency', description: `currency must be ${account.currency}.` };
  if (body.status !== 'reserved' && body.status !== 'billed') {
    return { path: 'status', description: 'status must be reserved or billed.' };
  }
  const dates: Record<string, string> = {};
  for (const name of ['booking_date', 'value_date', 'transaction_date', 'payment_date']) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !isIsoDate(value))
      return { path: name, description: `${name} must be an ISO date.` };
    dates[name] = value;
  }
  let id: string;
  if (body.transaction_id !== undefined) {
    if (typeof body.transaction_id !== 'string' || body.transaction_id.length === 0) {
      return { path: 'transaction_id', description: 'transaction_id must be a non-empty string.' };
    }
    if (findTransaction(state, body.transaction_id)) {
      return { path: 'transaction_id', description: 'transaction_id already exists.' };
    }
    id = body.transaction_id;
  } else {
    const random = createRandom(hashSeed(state.seed, 'manual', state.transactionSequence, account.id));
    id = `${random.int(1, 9)}${random.digits(15)}`;
  }
  const bookingDate = dates.booking_date ?? dates.transaction_date ?? bankDate(now);
  state.transactionSequence += 1;
  const transaction: Transaction = {
    id,
    amountMinor,
    currency: account.currency,
    status: body.status,
    bookingDate,
    valueDate: dates.value_date ?? bookingDate,
    transactionDate: dates.transaction_date ?? bookingDate,
    sequence: state.transactionSequence,
  };
  const text: Array<[keyof Transaction, string]> = [
    ['typeDescription', 'type_description'],
    ['narrative', 'narrative'],
    ['message', 'message'],
    ['ownMessage', 'own_message'],
    ['reference', 'reference'],
    ['counterpartyName', 'counterparty_name'],
    ['counterpartyAccount', 'counterparty_account'],
    ['cardNumber', 'card_number'],
    ['merchantCity', 'merchant_city'],
    ['merchantCountry', 'merchant_country'],
  ];
  for (const [property, name] of text) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { path: name, description: `${name} must be a string.` };
    (transaction as unknown as Record<string, unknown>)[property] = value;
  }
  return transaction;
}
