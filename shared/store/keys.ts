/**
 * The one module that knows how items are keyed in the single table. Everything else asks it for
 * keys; no other file writes `PK`/`SK` strings. Ids are opaque strings without `#`.
 *
 * | entity          | PK                    | SK                        |
 * |-----------------|-----------------------|---------------------------|
 * | login (email)   | LOGIN#<email, %-enc.> | LOGIN                     |
 * | saver profile   | SAVER#<saverId>       | PROFILE                   |
 * | refresh family  | SAVER#<saverId>       | REFRESH_FAMILY#<familyId> |
 * | refresh token   | REFRESH#<tokenHash>   | TOKEN                     |
 * | throttle        | THROTTLE#<key>        | THROTTLE                  |
 * | bank link state | BANK_LINK#<stateHash> | BANK_LINK                 |
 * | bank connection | SAVER#<saverId>       | BANK                      |
 * | bank account    | SAVER#<saverId>       | ACCOUNT#<accountId, enc.> |
 * | goal, rule, …   | SAVER#<saverId>       | <KIND>#<id>               |
 * | habit webhook   | HOOK#<hookId>         | HOOK                      |
 *
 * Everything a saver owns sits in their partition, so listing is a Query and erasure is a Query plus
 * deletes; no request path ever needs a Scan.
 */
export type SaverItemKind = 'GOAL' | 'RULE' | 'HABIT' | 'HABIT_LOG';
export interface ItemKey {
  PK: string;
  SK: string;
}

function part(value: string, name: string): string {
  if (value.length === 0 || value.includes('#')) throw new Error(`Invalid ${name} for a key`);
  return value;
}

export const keys = {
  login: (normalizedEmail: string): ItemKey => ({
    PK: `LOGIN#${part(normalizedEmail, 'email')}`,
    SK: 'LOGIN',
  }),
  saverProfile: (saverId: string): ItemKey => ({ PK: `SAVER#${part(saverId, 'saver id')}`, SK: 'PROFILE' }),
  refreshFamily: (saverId: string, familyId: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `REFRESH_FAMILY#${part(familyId, 'family id')}`,
  }),
  refreshFamilyPrefix: (saverId: string) => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SKPrefix: 'REFRESH_FAMILY#',
  }),
  refreshToken: (tokenHash: string): ItemKey => ({
    PK: `REFRESH#${part(tokenHash, 'token hash')}`,
    SK: 'TOKEN',
  }),
  // The auth module builds throttle keys whole (they contain `#`); they are the only part of the PK.
  throttle: (key: string): ItemKey => {
    if (key.length === 0) throw new Error('Invalid throttle key for a key');
    return { PK: `THROTTLE#${key}`, SK: 'THROTTLE' };
  },
  bankLinkState: (stateHash: string): ItemKey => ({
    PK: `BANK_LINK#${part(stateHash, 'state hash')}`,
    SK: 'BANK_LINK',
  }),
  bankConnection: (saverId: string): ItemKey => ({ PK: `SAVER#${part(saverId, 'saver id')}`, SK: 'BANK' }),
  // Bank account ids are the bank's (they may hold any character), so they are percent-encoded.
  bankAccount: (saverId: string, accountId: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `ACCOUNT#${part(encodeURIComponent(accountId), 'account id')}`,
  }),
  bankAccountPrefix: (saverId: string) => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SKPrefix: 'ACCOUNT#',
  }),
  saverItem: (saverId: string, kind: SaverItemKind, id: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `${kind}#${part(id, 'item id')}`,
  }),
  saverItemPrefix: (saverId: string, kind: SaverItemKind) => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SKPrefix: `${kind}#`,
  }),
  habitHook: (hookId: string): ItemKey => ({ PK: `HOOK#${part(hookId, 'hook id')}`, SK: 'HOOK' }),
  saverPartition: (saverId: string) => `SAVER#${part(saverId, 'saver id')}`,
} as const;

/** DynamoDB TTL wants epoch seconds. */
export const ttlSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
