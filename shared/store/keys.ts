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
 * |  ↳ sync index   | GSI1 SYNC_DUE#<shard> | <nextSyncAt>#<saverId>    |  (sparse: only while scheduled)
 * | sync lease      | SAVER#<saverId>       | SYNC_LEASE                |
 * | transaction     | SAVER#<saverId>       | TX#<bookingDate>#<txId, enc.> |
 * | savings entry   | SAVER#<saverId>       | ENTRY#<triggerDate>#<entryId> |
 * | transfer        | SAVER#<saverId>       | TRANSFER#<transferId>     |
 * |  ↳ by time      | GSI1 TRANSFERS#<saverId> | <createdAt>#<transferId> |
 * | open transfer   | OPEN_TRANSFERS#<shard> | <saverId>#<transferId>   |  (marker while not terminal)
 * | notification    | SAVER#<saverId>       | NOTIFICATION#<id, enc.>   |
 * |  ↳ by time      | GSI1 NOTIFICATIONS#<saverId> | <createdAt>#<id, enc.> |
 * | bank account    | SAVER#<saverId>       | ACCOUNT#<accountId, enc.> |
 * | goal, rule, …   | SAVER#<saverId>       | <KIND>#<id>               |
 * | habit webhook   | HOOK#<hookId>         | HOOK                      |
 *
 * Everything a saver owns sits in their partition, so listing is a Query and erasure is a Query plus
 * deletes; no request path ever needs a Scan. The two cross-saver lists (savers due for a sync, open
 * transfers) are spread over `SHARDS` partitions by `shardOf(saverId)`, so a scheduled job reads a
 * few Queries instead of one hot partition or a Scan; the open-transfer markers are the only saver
 * data outside the saver's partition, and erasure removes them too.
 */
export type SaverItemKind = 'GOAL' | 'RULE' | 'HABIT' | 'HABIT_LOG';
export interface ItemKey {
  PK: string;
  SK: string;
}

/** How many partitions the cross-saver lists are spread over unless configured otherwise. */
export const SHARDS = 8;

/** The highest character: `<prefix>\uffff` sorts after every key that starts with `<prefix>`. */
const HIGHEST = '\uffff';

/** A stable shard (0 … SHARDS-1) for a saver: FNV-1a over the id's UTF-8 bytes, modulo SHARDS. */
function shardOf(saverId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(saverId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % SHARDS;
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

  /** A stable shard (0 … shards-1) for a saver; the sync index and open-transfer markers use it. */
  shardOf,

  // --- sync scheduling (attributes of the bank connection item) ---------------------------------
  syncDueIndex: (saverId: string, nextSyncAt: string) => ({
    GSI1PK: `SYNC_DUE#${shardOf(part(saverId, 'saver id'))}`,
    GSI1SK: `${part(nextSyncAt, 'sync time')}#${saverId}`,
  }),
  syncDueShard: (shard: number) => `SYNC_DUE#${shard}`,
  /** The highest sync-index sort key due at `at` (an ISO time). */
  syncDueUpTo: (at: string) => `${part(at, 'sync time')}#${HIGHEST}`,
  /** The saver id back out of a sync-index sort key. */
  saverOfSyncDue: (gsi1sk: string): string => gsi1sk.slice(gsi1sk.lastIndexOf('#') + 1),
  syncLease: (saverId: string): ItemKey => ({ PK: `SAVER#${part(saverId, 'saver id')}`, SK: 'SYNC_LEASE' }),

  // --- transactions ---------------------------------------------------------------------------------
  // Bank transaction ids may hold any character, so they are percent-encoded.
  transaction: (saverId: string, bookingDate: string, transactionId: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `TX#${part(bookingDate, 'booking date')}#${part(encodeURIComponent(transactionId), 'transaction id')}`,
  }),
  /** Transactions booked on or after `fromDate`: `SK BETWEEN from AND to`. */
  transactionsFrom: (saverId: string, fromDate: string) => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    from: `TX#${part(fromDate, 'date')}`,
    to: `TX#${HIGHEST}`,
  }),

  // --- savings entries (keyed by trigger date: an entry's date never changes) ------------------------
  entry: (saverId: string, triggerDate: string, entryId: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `ENTRY#${part(triggerDate, 'trigger date')}#${part(entryId, 'entry id')}`,
  }),
  entriesFrom: (saverId: string, fromDate: string) => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    from: `ENTRY#${part(fromDate, 'date')}`,
    to: `ENTRY#${HIGHEST}`,
  }),
  entryPrefix: (saverId: string) => ({ PK: `SAVER#${part(saverId, 'saver id')}`, SKPrefix: 'ENTRY#' }),

  // --- transfers ------------------------------------------------------------------------------------
  transfer: (saverId: string, transferId: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `TRANSFER#${part(transferId, 'transfer id')}`,
  }),
  transferPrefix: (saverId: string) => ({ PK: `SAVER#${part(saverId, 'saver id')}`, SKPrefix: 'TRANSFER#' }),
  transferIndex: (saverId: string, createdAt: string, transferId: string) => ({
    GSI1PK: `TRANSFERS#${part(saverId, 'saver id')}`,
    GSI1SK: `${part(createdAt, 'creation time')}#${part(transferId, 'transfer id')}`,
  }),
  transferIndexPartition: (saverId: string) => `TRANSFERS#${part(saverId, 'saver id')}`,
  /** The marker of a transfer that is not terminal yet, found by the reconciler across savers. */
  openTransfer: (saverId: string, transferId: string): ItemKey => ({
    PK: `OPEN_TRANSFERS#${shardOf(part(saverId, 'saver id'))}`,
    SK: `${saverId}#${part(transferId, 'transfer id')}`,
  }),
  openTransfersShard: (shard: number) => `OPEN_TRANSFERS#${shard}`,
  /** Saver and transfer id back out of an open-transfer marker's sort key. */
  ofOpenTransfer: (sk: string): { saverId: string; transferId: string } => {
    const at = sk.indexOf('#');
    return { saverId: sk.slice(0, at), transferId: sk.slice(at + 1) };
  },

  // --- notifications (ids are deterministic and may hold `:`, so they are percent-encoded) -----------
  notification: (saverId: string, notificationId: string): ItemKey => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SK: `NOTIFICATION#${part(encodeURIComponent(notificationId), 'notification id')}`,
  }),
  notificationPrefix: (saverId: string) => ({
    PK: `SAVER#${part(saverId, 'saver id')}`,
    SKPrefix: 'NOTIFICATION#',
  }),
  notificationIndex: (saverId: string, createdAt: string, notificationId: string) => ({
    GSI1PK: `NOTIFICATIONS#${part(saverId, 'saver id')}`,
    GSI1SK: `${part(createdAt, 'creation time')}#${part(encodeURIComponent(notificationId), 'notification id')}`,
  }),
  notificationIndexPartition: (saverId: string) => `NOTIFICATIONS#${part(saverId, 'saver id')}`,
} as const;

/** DynamoDB TTL wants epoch seconds. */
export const ttlSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
