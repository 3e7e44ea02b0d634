import {
  addDays,
  bankDate,
  DAY_MS,
  firstBankingDayOfMonth,
  isBankingDay,
  lastBankingDayOfMonth,
  nextBankingDay,
  weekday,
} from './dates.ts';
import { CURRENCY_BY_COUNTRY } from './money.ts';
import { createRandom, hashSeed, type Random } from './random.ts';
import type { Account, Customer, SimulatorState, Transaction } from './state.ts';

/**
 * A generator of Danish everyday spending. Every day's events are a pure function of the customer's seed
 * and the date, so the history made at consent time and the live feed afterwards are one continuous story.
 */

interface Merchant {
  name: string;
  minMinor: number;
  maxMinor: number;
}

const SUPERMARKETS: Merchant[] = [
  { name: 'Netto', minMinor: 3_500, maxMinor: 45_000 },
  { name: 'REMA 1000', minMinor: 4_000, maxMinor: 52_000 },
  { name: 'Føtex', minMinor: 6_000, maxMinor: 65_000 },
  { name: 'Lidl', minMinor: 3_000, maxMinor: 40_000 },
  { name: 'Coop 365', minMinor: 3_500, maxMinor: 42_000 },
  { name: 'SuperBrugsen', minMinor: 5_000, maxMinor: 55_000 },
  { name: 'Meny', minMinor: 8_000, maxMinor: 60_000 },
  { name: 'Irma', minMinor: 4_500, maxMinor: 38_000 },
  { name: 'Bilka', minMinor: 15_000, maxMinor: 95_000 },
];
const CAFES: Merchant[] = [
  { name: 'Lagkagehuset', minMinor: 2_800, maxMinor: 9_500 },
  { name: 'Espresso House', minMinor: 3_900, maxMinor: 8_900 },
  { name: 'Joe & The Juice', minMinor: 4_500, maxMinor: 9_900 },
  { name: 'Baresso Coffee', minMinor: 3_500, maxMinor: 7_500 },
  { name: 'Emmerys', minMinor: 3_200, maxMinor: 8_800 },
  { name: '7-Eleven', minMinor: 2_500, maxMinor: 7_000 },
];
const RESTAURANTS: Merchant[] = [
  { name: 'Wolt', minMinor: 12_900, maxMinor: 38_000 },
  { name: 'Just Eat', minMinor: 11_900, maxMinor: 32_000 },
  { name: "Sticks'n'Sushi", minMinor: 28_000, maxMinor: 95_000 },
  { name: 'Gasoline Grill', minMinor: 9_900, maxMinor: 21_000 },
  { name: "McDonald's", minMinor: 5_900, maxMinor: 16_000 },
  { name: 'Café Norden', minMinor: 14_000, maxMinor: 42_000 },
];
const TRANSPORT: Merchant[] = [
  { name: 'Rejsekort', minMinor: 1_800, maxMinor: 6_400 },
  { name: 'DSB', minMinor: 3_600, maxMinor: 52_000 },
  { name: 'Metroselskabet', minMinor: 1_800, maxMinor: 3_600 },
  { name: 'Donkey Republic', minMinor: 2_500, maxMinor: 5_000 },
];
const FUEL: Merchant[] = [
  { name: 'Circle K', minMinor: 25_000, maxMinor: 68_000 },
  { name: 'Q8', minMinor: 22_000, maxMinor: 61_000 },
];
const SHOPS: Merchant[] = [
  { name: 'Matas', minMinor: 4_900, maxMinor: 42_000 },
  { name: 'H&M', minMinor: 9_900, maxMinor: 79_900 },
  { name: 'Normal', minMinor: 2_900, maxMinor: 18_000 },
  { name: 'IKEA', minMinor: 14_900, maxMinor: 249_900 },
  { name: 'JYSK', minMinor: 9_900, maxMinor: 89_900 },
  { name: 'Magasin du Nord', minMinor: 19_900, maxMinor: 129_900 },
  { name: 'Elgiganten', minMinor: 29_900, maxMinor: 349_900 },
  { name: 'Apotek', minMinor: 3_900, maxMinor: 32_000 },
];
const SUBSCRIPTIONS: Array<{ name: string; amountMinor: number; dayOfMonth: number }> = [
  { name: 'Netflix', amountMinor: 11_900, dayOfMonth: 5 },
  { name: 'Spotify', amountMinor: 11_900, dayOfMonth: 12 },
  { name: 'Viaplay', amountMinor: 14_900, dayOfMonth: 18 },
  { name: 'TV 2 Play', amountMinor: 9_900, dayOfMonth: 22 },
  { name: 'Fitness World', amountMinor: 26_900, dayOfMonth: 1 },
  { name: 'Podimo', amountMinor: 7_900, dayOfMonth: 9 },
];
const BILLS: Array<{ name: string; minMinor: number; maxMinor: number; narrative: string }> = [
  { name: 'Andel Energi', minMinor: 42_000, maxMinor: 88_000, narrative: 'El' },
  { name: 'Tryg Forsikring', minMinor: 31_000, maxMinor: 64_000, narrative: 'Forsikring' },
  { name: 'Telia Danmark', minMinor: 14_900, maxMinor: 22_900, narrative: 'Mobilabonnement' },
  { name: 'Norlys', minMinor: 24_900, maxMinor: 34_900, narrative: 'Internet' },
];
const LANDLORDS = [
  'KAB Boligforening',
  'Boligselskabet Sjælland',
  'PFA Ejendomme',
  'Lejerbo',
  'AP Pension Ejendomme',
];
const EMPLOYERS = [
  'Novo Nordisk A/S',
  'A.P. Møller - Mærsk A/S',
  'Carlsberg Danmark A/S',
  'Region Hovedstaden',
  'Københavns Kommune',
  'Vestas Wind Systems A/S',
  'Netcompany A/S',
  'Ørsted A/S',
];
const CITIES = ['København', 'Frederiksberg', 'Aarhus', 'Odense', 'Aalborg', 'Roskilde'];
const FRIENDS = [
  'Mads Jensen',
  'Sofie Nielsen',
  'Frederik Hansen',
  'Emma Pedersen',
  'Oliver Larsen',
  'Ida Andersen',
];

export interface CustomerProfile {
  employer: string;
  salaryMinor: number;
  landlord: string;
  rentMinor: number;
  cardNumber: string;
  city: string;
  subscriptions: typeof SUBSCRIPTIONS;
  bills: typeof BILLS;
  savingsTransferMinor: number;
  drivesCar: boolean;
}

export function customerProfile(seed: number): CustomerProfile {
  const random = createRandom(hashSeed(seed, 'profile'));
  return {
    employer: random.pick(EMPLOYERS),
    salaryMinor: random.int(24_000, 39_000) * 100 + random.int(0, 99),
    landlord: random.pick(LANDLORDS),
    rentMinor: random.int(58, 105) * 10_000 + random.pick([0, 2_500, 5_000, 7_500]),
    cardNumber: random.digits(4),
    city: random.pick(CITIES),
    subscriptions: SUBSCRIPTIONS.filter(() => random.chance(0.55)),
    bills: BILLS.filter(() => random.chance(0.7)),
    savingsTransferMinor: random.int(5, 30) * 10_000,
    drivesCar: random.chance(0.4),
  };
}

/** One thing that happens to a customer's money on a day, before it becomes a transaction. */
export interface SpendingEvent {
  /** Stable key; transaction ids are derived from it. */
  key: string;
  at: number;
  account: 'current' | 'savings';
  amountMinor: number;
  typeDescription: string;
  counterpartyName: string;
  narrative: string;
  message?: string;
  card: boolean;
  /** Card purchases stay reserved until this instant, then book (possibly for another amount). */
  bookAt?: number;
  bookedAmountMinor?: number;
}

function atTime(date: string, random: Random, fromHour: number, toHour: number): number {
  // Times are UTC hours that stay on the same Copenhagen date (UTC+1/+2) for the ranges used here.
  return Date.parse(`${date}T00:00:00Z`) + random.int(fromHour * 60, toHour * 60) * 60_000;
}

function bookingInstant(date: string, random: Random): number {
  return Date.parse(`${nextBankingDay(addDays(date, random.int(1, 3)))}T00:00:00Z`) + 4 * 3_600_000;
}

export function eventsForDay(seed: number, date: string, profile = customerProfile(seed)): SpendingEvent[] {
  const random = createRandom(hashSeed(seed, 'day', date));
  const events: SpendingEvent[] = [];
  let counter = 0;
  const add = (event: Omit<SpendingEvent, 'key'>): void => {
    counter += 1;
    events.push({ ...event, key: `${date}/${counter}` });
  };
  const cardPurchase = (merchant: Merchant, fromHour: number, toHour: number): void => {
    const at = atTime(date, random, fromHour, toHour);
    const amountMinor = random.int(merchant.minMinor, merchant.maxMinor);
    let reservedMinor = amountMinor;
    if (FUEL.includes(merchant)) reservedMinor = 50_000; // petrol stations pre-authorise a fixed amount
    let bookedMinor = amountMinor;
    if (RESTAURANTS.includes(merchant) && random.chance(0.2)) bookedMinor += Math.round(amountMinor * 0.1);
    add({
      at,
      account: 'current',
      amountMinor: -reservedMinor,
      typeDescription: random.chance(0.8) ? 'Dankort-køb' : 'Visa/Dankort-køb',
      counterpartyName: merchant.name,
      narrative: `${merchant.name} ${profile.city}`.slice(0, 35),
      card: true,
      bookAt: bookingInstant(date, random),
      bookedAmountMinor: -bookedMinor,
    });
  };

  const day = weekday(date);
  const weekend = day === 0 || day === 6;
  if (random.chance(weekend ? 0.8 : 0.6)) cardPurchase(random.pick(SUPERMARKETS), 14, 19);
  if (random.chance(0.15)) cardPurchase(random.pick(SUPERMARKETS), 8, 12);
  if (random.chance(weekend ? 0.35 : 0.65)) cardPurchase(random.pick(CAFES), 6, 10);
  if (random.chance(weekend ? 0.45 : 0.2)) cardPurchase(random.pick(RESTAURANTS), 16, 20);
  if (!weekend && random.chance(0.45)) cardPurchase(random.pick(TRANSPORT), 6, 8);
  if (profile.drivesCar && random.chance(0.1)) cardPurchase(random.pick(FUEL), 7, 18);
  if (random.chance(weekend ? 0.3 : 0.1)) cardPurchase(random.pick(SHOPS), 10, 17);
  if (random.chance(0.12)) {
    const incoming = random.chance(0.4);
    const friend = random.pick(FRIENDS);
    add({
      at: atTime(date, random, 9, 21),
      account: 'current',
      amountMinor: (incoming ? 1 : -1) * random.int(5, 40) * 1_000,
      typeDescription: 'MobilePay',
      counterpartyName: friend,
      narrative: `MobilePay ${friend}`,
      message: random.pick(['Pizza', 'Biografbilletter', 'Gave', 'Tak for lån', 'Fredagsbar']),
      card: false,
    });
  }

  const dayOfMonth = Number(date.slice(8, 10));
  for (const subscription of profile.subscriptions) {
    if (subscription.dayOfMonth !== dayOfMonth) continue;
    add({
      at: atTime(date, random, 3, 5),
      account: 'current',
      amountMinor: -subscription.amountMinor,
      typeDescription: 'Visa/Dankort-køb',
      counterpartyName: subscription.name,
      narrative: `${subscription.name} abonnement`,
      card: true,
      bookAt: bookingInstant(date, random),
      bookedAmountMinor: -subscription.amountMinor,
    });
  }
  if (date === firstBankingDayOfMonth(date)) {
    add({
      at: atTime(date, random, 2, 3),
      account: 'current',
      amountMinor: -profile.rentMinor,
      typeDescription: 'Betalingsservice',
      counterpartyName: profile.landlord,
      narrative: 'Husleje',
      card: false,
    });
    for (const bill of profile.bills) {
      add({
        at: atTime(date, random, 2, 3),
        account: 'current',
        amountMinor: -random.int(bill.minMinor, bill.maxMinor),
        typeDescription: 'Betalingsservice',
        counterpartyName: bill.name,
        narrative: bill.narrative,
        card: false,
      });
    }
  }
  if (date === lastBankingDayOfMonth(date)) {
    const paidAt = atTime(date, random, 1, 2);
    add({
      at: paidAt,
      account: 'current',
      amountMinor: profile.salaryMinor,
      typeDescription: 'Løn',
      counterpartyName: profile.employer,
      narrative: `Løn ${profile.employer}`.slice(0, 35),
      card: false,
    });
    for (const account of ['current', 'savings'] as const) {
      add({
        at: paidAt + 3_600_000,
        account,
        amountMinor: (account === 'current' ? -1 : 1) * profile.savingsTransferMinor,
        typeDescription: 'Overførsel',
        counterpartyName: account === 'current' ? 'Opsparing' : 'Lønkonto',
        narrative: 'Fast overførsel opsparing',
        card: false,
      });
    }
  }
  if (!isBankingDay(date) && random.chance(0.05)) {
    add({
      at: atTime(date, random, 10, 20),
      account: 'current',
      amountMinor: -random.int(2, 10) * 10_000,
      typeDescription: 'Hævning',
      counterpartyName: 'Nordea Hæveautomat',
      narrative: `Hæveautomat ${profile.city}`,
      card: true,
    });
  }
  return events.sort((left, right) => left.at - right.at);
}

function transactionIdFor(seed: number, key: string, phase: string): string {
  const random = createRandom(hashSeed(seed, key, phase));
  return `${random.int(1, 9)}${random.digits(15)}`;
}

function nextSequence(state: SimulatorState): number {
  state.transactionSequence += 1;
  return state.transactionSequence;
}

/** Adds every event in (from, until] to the customer's accounts. */
export function generateSpending(
  state: SimulatorState,
  customer: Customer,
  from: number,
  until: number,
): void {
  const [currentId, savingsId] = customer.accountIds;
  const current = currentId ? state.accounts[currentId] : undefined;
  const savings = savingsId ? state.accounts[savingsId] : undefined;
  if (!current || !savings) return;
  const profile = customerProfile(customer.seed);
  for (let date = new Date(from).toISOString().slice(0, 10); Date.parse(`${date}T00:00:00Z`) <= until; ) {
    for (const event of eventsForDay(customer.seed, date, profile)) {
      if (event.at <= from || event.at > until) continue;
      const account = event.account === 'current' ? current : savings;
      const transactionDate = bankDate(new Date(event.at));
      const reserved = event.bookAt !== undefined;
      const transaction: Transaction = {
        id: transactionIdFor(customer.seed, event.key, 'reserved'),
        amountMinor: event.amountMinor,
        currency: account.currency,
        status: reserved ? 'reserved' : 'billed',
        bookingDate: transactionDate,
        valueDate: transactionDate,
        transactionDate,
        sequence: nextSequence(state),
        typeDescription: event.typeDescription,
        narrative: event.narrative,
        counterpartyName: event.counterpartyName,
        ...(event.message ? { message: event.message } : {}),
        ...(event.card
          ? { cardNumber: customerProfile(customer.seed).cardNumber, merchantCountry: 'DK' }
          : {}),
        ...(event.card ? { merchantCity: customerProfile(customer.seed).city } : {}),
        ...(event.bookAt !== undefined ? { bookAt: new Date(event.bookAt).toISOString() } : {}),
        ...(event.bookedAmountMinor !== undefined ? { bookedAmountMinor: event.bookedAmountMinor } : {}),
      };
      if (!reserved) transaction.id = transactionIdFor(customer.seed, event.key, 'billed');
      account.transactions.push(transaction);
    }
    date = addDays(date, 1);
  }
  customer.generatedUntil = new Date(until).toISOString();
}

/**
 * Books a reserved transaction: Danish accounts show the booked item under a NEW transaction id, and the
 * final amount may differ from the reservation.
 */
export function bookTransaction(
  state: SimulatorState,
  account: Account,
  reserved: Transaction,
  options: { newId?: string; amountMinor?: number; bookingDate: string },
): Transaction {
  const index = account.transactions.indexOf(reserved);
  const { bookAt: _bookAt, bookedAmountMinor, ...rest } = reserved;
  const booked: Transaction = {
    ...rest,
    id:
      options.newId ??
      `${reserved.id.slice(0, 1)}${createRandom(hashSeed(reserved.id, 'booked')).digits(15)}`,
    status: 'billed',
    amountMinor: options.amountMinor ?? bookedAmountMinor ?? reserved.amountMinor,
    bookingDate: options.bookingDate,
    valueDate: options.bookingDate,
    sequence: nextSequence(state),
  };
  if (index >= 0) account.transactions.splice(index, 1, booked);
  return booked;
}

/** Books every generated reservation whose booking instant has passed. */
export function settleReservations(state: SimulatorState, now: number): void {
  for (const account of Object.values(state.accounts)) {
    for (const transaction of [...account.transactions]) {
      if (transaction.status !== 'reserved' || !transaction.bookAt) continue;
      const bookAt = Date.parse(transaction.bookAt);
      if (bookAt > now) continue;
      bookTransaction(state, account, transaction, { bookingDate: bankDate(new Date(bookAt)) });
    }
  }
}

const IBAN_LENGTH: Record<string, number> = { DK: 18, FI: 18, NO: 15, SE: 24 };

/** ISO 13616 check digits (mod 97), so generated IBANs validate like real ones. */
export function ibanFor(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}

export function accountNumbersFor(
  country: string,
  random: Random,
): { iban: string; bban?: { type: string; value: string } } {
  const bbanLength = (IBAN_LENGTH[country] ?? 18) - 4;
  if (country === 'DK') {
    const bban = `2${random.digits(3)}${random.digits(bbanLength - 4)}`;
    return { iban: ibanFor('DK', bban), bban: { type: 'BBAN_DK', value: bban } };
  }
  if (country === 'SE') {
    const bban = `3000${random.digits(bbanLength - 4)}`;
    return { iban: ibanFor('SE', bban), bban: { type: 'BBAN_SE', value: bban.slice(-11) } };
  }
  if (country === 'NO') {
    const bban = random.digits(bbanLength);
    return { iban: ibanFor('NO', bban), bban: { type: 'BBAN_NO', value: bban } };
  }
  return { iban: ibanFor(country, random.digits(bbanLength)) };
}

export function opaqueId(random: Random, length = 40): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let index = 0; index < length; index++) id += alphabet[random.int(0, alphabet.length - 1)];
  return id;
}

export const HISTORY_DAYS = 120;

/**
 * A fresh customer (PSU) with a current and a savings account and a spending history that ends the day
 * before `now`. Deterministic from the simulator seed and the customer's sequence number.
 */
export function createCustomer(
  state: SimulatorState,
  options: { country: string; now: number; customerId?: string; historyDays?: number },
): Customer {
  state.customerSequence += 1;
  const seed = hashSeed(state.seed, 'customer', state.customerSequence);
  const random = createRandom(seed);
  const id = options.customerId ?? `psu-${opaqueId(random, 12)}`;
  const country = options.country;
  const currency = CURRENCY_BY_COUNTRY[country] ?? 'DKK';
  const today = bankDate(new Date(options.now));
  const historyStart = addDays(today, -(options.historyDays ?? HISTORY_DAYS));
  const createdAt = new Date(options.now).toISOString();
  const customer: Customer = { id, seed, country, createdAt, accountIds: [] };
  const accountBase = {
    customerId: id,
    country,
    currency,
    availableAdjustmentMinor: 0,
    creditLimitMinor: 0,
    status: 'OPEN' as const,
    createdAt,
  };
  const current: Account = {
    ...accountBase,
    transactions: [],
    id: opaqueId(random),
    name: 'Lønkonto',
    product: 'Nordea Lønkonto',
    type: 'Current',
    ...accountNumbersFor(country, random),
    openingBookedMinor: random.int(9_000, 24_000) * 100,
  };
  const savings: Account = {
    ...accountBase,
    transactions: [],
    id: opaqueId(random),
    name: 'Opsparing',
    product: 'Nordea Opsparingskonto',
    type: 'Savings',
    ...accountNumbersFor(country, random),
    openingBookedMinor: random.int(20, 400) * 10_000,
  };
  state.accounts[current.id] = current;
  state.accounts[savings.id] = savings;
  customer.accountIds.push(current.id, savings.id);
  state.customers[id] = customer;
  // History ends with the last full day before `now`: today's events belong to the live feed.
  const historyEnd = Date.parse(`${today}T00:00:00Z`) - 1;
  generateSpending(state, customer, Date.parse(`${historyStart}T00:00:00Z`) - 1, historyEnd);
  settleReservations(state, options.now);
  return customer;
}

/** Feeds the live customers every event up to `now` and books reservations that are due. */
export function advanceLiveSpending(state: SimulatorState, now: number): void {
  for (const customerId of state.liveCustomerIds) {
    const customer = state.customers[customerId];
    if (!customer) continue;
    const from = customer.generatedUntil ? Date.parse(customer.generatedUntil) : now - DAY_MS;
    if (from >= now) continue;
    generateSpending(state, customer, from, now);
  }
  settleReservations(state, now);
}
