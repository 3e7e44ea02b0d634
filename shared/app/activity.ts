import { z } from 'zod';
import type { SavingsEntry } from '#domain/entries';
import {
  entryStatusForTransfer,
  isTerminalTransferStatus,
  nextTransferStatus,
  type Transfer,
  type TransferStatus,
} from '#domain/transfers';
import type {
  AutomationStore,
  Notification,
  Page,
  StoredEntry,
  StoredTransfer,
} from '#store/automation-records';
import { Conflict, NotFound } from './errors.ts';
import { pageOf } from './goals.ts';

/** Page sizes of the activity, transfer and notification lists (API4: bounded). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
/** How many notifications one `{ids}` request may mark read. */
export const MAX_READ_IDS = 100;

/** A savings entry as the saver sees it: the domain entry and the transfer carrying it, nothing internal. */
export type SavingsEntryView = SavingsEntry & { transferId: string | null };

/** A transfer as the saver sees it: no account ids, versions, storage refs or worker claims. */
export type TransferView = Transfer & {
  updatedAt: string;
  signingUrl: string | null;
  confirmBy: string | null;
  failureReason: string | null;
};

/** POST /api/notifications/read: some notifications by id, or all of them. */
export const NotificationsReadSchema = z.union([
  z.strictObject({
    ids: z.array(z.string().min(1).max(200)).min(1).max(MAX_READ_IDS),
  }),
  z.strictObject({ all: z.literal(true) }),
]);
export type NotificationsRead = z.infer<typeof NotificationsReadSchema>;

export interface PageRequest {
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** The store methods these use cases need, so tests can fake just these. */
export type ActivityStore = Pick<
  AutomationStore,
  | 'listEntries'
  | 'openTransfers'
  | 'listTransfers'
  | 'getTransfer'
  | 'transitionTransfer'
  | 'updateEntry'
  | 'listNotifications'
  | 'unreadNotifications'
  | 'markNotificationsRead'
>;

export interface ActivityDependencies {
  store: ActivityStore;
  now: () => Date;
}

// Views name every field they show, so a field the store adds later is never published by accident.
/**
 * An entry inside an open transfer is stored as `pending` (the transfer's entry list claims it);
 * the saver sees it as `transferring`, with that transfer.
 */
export function toEntryView(
  entry: StoredEntry,
  openTransferOf?: ReadonlyMap<string, string>,
): SavingsEntryView {
  const carriedBy = entry.status === 'pending' ? openTransferOf?.get(entry.id) : undefined;
  return {
    id: entry.id,
    ruleId: entry.ruleId,
    goalId: entry.goalId,
    status: carriedBy ? 'transferring' : entry.status,
    amountMinor: entry.amountMinor,
    currency: entry.currency,
    trigger: { kind: entry.trigger.kind, ref: entry.trigger.ref, date: entry.trigger.date },
    explanation: entry.explanation,
    skipReason: entry.skipReason,
    createdAt: entry.createdAt,
    transferId: carriedBy ?? entry.transferId ?? null,
  };
}

export function toTransferView(transfer: StoredTransfer): TransferView {
  return {
    id: transfer.id,
    status: transfer.status,
    amountMinor: transfer.amountMinor,
    currency: transfer.currency,
    entryIds: [...transfer.entryIds],
    bankPaymentId: transfer.bankPaymentId,
    createdAt: transfer.createdAt,
    updatedAt: transfer.updatedAt,
    signingUrl: transfer.signingUrl ?? null,
    confirmBy: transfer.confirmBy ?? null,
    failureReason: transfer.failureReason ?? null,
  };
}

export function toNotificationView(notification: Notification): Notification {
  return {
    id: notification.id,
    kind: notification.kind,
    title: notification.title,
    body: notification.body,
    link: notification.link,
    createdAt: notification.createdAt,
    readAt: notification.readAt,
  };
}

/** Why a transfer in `status` can no longer be cancelled here, in words a saver can act on. */
export function cancelRefusal(transfer: Pick<StoredTransfer, 'status' | 'confirmBy'>): string {
  const status: TransferStatus = transfer.status;
  if (status === 'awaiting_confirmation') {
    const until = transfer.confirmBy ? ` at ${transfer.confirmBy}` : '';
    return `This transfer is waiting for your confirmation in your bank. Decline it there, or leave it: it expires by itself${until}.`;
  }
  if (status === 'submitting' || status === 'submitted' || status === 'unknown') {
    return 'This transfer is already with the bank and can no longer be cancelled here.';
  }
  if (isTerminalTransferStatus(status)) return `This transfer is already ${status}.`;
  return 'This transfer cannot be cancelled now.';
}

const ENTRY_WRITES_AT_ONCE = 10;

export function createActivity(dependencies: ActivityDependencies) {
  const { store, now } = dependencies;

  const options = (request: PageRequest) => ({
    ...(request.cursor ? { cursor: request.cursor } : {}),
    limit: request.limit ?? DEFAULT_PAGE_SIZE,
  });

  const existing = async (saverId: string, id: string): Promise<StoredTransfer> => {
    const transfer = await store.getTransfer(saverId, id);
    if (!transfer) throw new NotFound('There is no such transfer.');
    return transfer;
  };

  return {
    /** The saver's savings entries, newest first. */
    async entries(saverId: string, request: PageRequest = {}): Promise<Page<SavingsEntryView>> {
      const [page, open] = await Promise.all([
        pageOf(() => store.listEntries(saverId, options(request))),
        store.openTransfers(saverId),
      ]);
      const openTransferOf = new Map(
        open.flatMap((transfer) => transfer.entryIds.map((entryId) => [entryId, transfer.id] as const)),
      );
      return {
        items: page.items.map((entry) => toEntryView(entry, openTransferOf)),
        nextCursor: page.nextCursor,
      };
    },

    /** The saver's transfers, newest first. */
    async transfers(saverId: string, request: PageRequest = {}): Promise<Page<TransferView>> {
      const page = await pageOf(() => store.listTransfers(saverId, options(request)));
      return { items: page.items.map(toTransferView), nextCursor: page.nextCursor };
    },

    async transfer(saverId: string, id: string): Promise<TransferView> {
      return toTransferView(await existing(saverId, id));
    },

    /**
     * Cancels a transfer that has not gone to the bank yet, and with it its entries. Only a planned
     * transfer can be cancelled here: once the bank has it, only the bank can stop it.
     */
    async cancelTransfer(saverId: string, id: string): Promise<TransferView> {
      const current = await existing(saverId, id);
      if (current.status !== 'planned') throw new Conflict(cancelRefusal(current));
      const status = nextTransferStatus(current.status, 'saver-cancelled');
      const cancelled = await store.transitionTransfer(
        saverId,
        id,
        { status: current.status, version: current.version },
        { status },
        now().toISOString(),
      );
      if (!cancelled) {
        // A worker claimed it (or another tab cancelled it) between our read and our write.
        const moved = await store.getTransfer(saverId, id);
        throw new Conflict(
          moved && moved.status !== 'planned'
            ? cancelRefusal(moved)
            : 'The transfer changed meanwhile. Reload it and try again.',
        );
      }
      const entryStatus = entryStatusForTransfer(status);
      const refs = cancelled.entryRefs;
      for (let start = 0; start < refs.length; start += ENTRY_WRITES_AT_ONCE) {
        await Promise.all(
          refs
            .slice(start, start + ENTRY_WRITES_AT_ONCE)
            .map((ref) =>
              store.updateEntry(saverId, ref, ['transferring', 'pending'], { status: entryStatus }),
            ),
        );
      }
      return toTransferView(cancelled);
    },

    /** The saver's notifications, newest first, and how many are unread in all. */
    async notifications(
      saverId: string,
      request: PageRequest = {},
    ): Promise<Page<Notification> & { unread: number }> {
      const [page, unread] = await Promise.all([
        pageOf(() => store.listNotifications(saverId, options(request))),
        store.unreadNotifications(saverId),
      ]);
      return { items: page.items.map(toNotificationView), nextCursor: page.nextCursor, unread };
    },

    /** Marks the given notifications read, or every unread one. Ids of no notification of the saver's change nothing. */
    async markRead(saverId: string, request: NotificationsRead): Promise<void> {
      const at = now().toISOString();
      if ('ids' in request) {
        await store.markNotificationsRead(saverId, [...new Set(request.ids)], at);
        return;
      }
      let cursor: string | undefined;
      do {
        const page = await pageOf(() =>
          store.listNotifications(saverId, { ...(cursor ? { cursor } : {}), limit: MAX_PAGE_SIZE }),
        );
        const unread = page.items.filter((notification) => notification.readAt === null);
        if (unread.length > 0) {
          await store.markNotificationsRead(
            saverId,
            unread.map((notification) => notification.id),
            at,
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
  };
}

export type Activity = ReturnType<typeof createActivity>;
