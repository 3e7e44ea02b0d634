import { isTerminalTransferStatus } from '#domain/transfers';
import type { AutomationStore } from '#store/automation-records';
import { consentUsable, SYNC_INTERVAL_MS, type Sync } from './sync.ts';
import type { Transfers } from './transfers.ts';

/** At most this many savers are handed out per dispatch run; the rest wait for the next tick. */
export const DISPATCH_BATCH = 2000;
const DAY_MS = 86_400_000;

export interface ScheduleDependencies {
  store: AutomationStore;
  sync: Pick<Sync, 'evaluateCalendar' | 'withdrawPlanned'>;
  transfers: Pick<Transfers, 'reconcile'>;
  /** Sends one sync message per saver to the sync queue. */
  enqueueSyncs: (saverIds: readonly string[]) => Promise<void>;
  now: () => Date;
}

/** Walks every page of linked savers. */
async function eachLinkedSaver(store: AutomationStore, visit: (saverId: string) => Promise<void>) {
  let cursor: string | undefined;
  do {
    const page = await store.linkedSavers(cursor);
    for (const saverId of page.items) await visit(saverId);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export function createSchedules(dependencies: ScheduleDependencies) {
  const { store, sync, transfers, enqueueSyncs, now } = dependencies;

  return {
    /**
     * Hands out the savers whose unattended sync is due. Each is moved to its next slot with a
     * conditional write before its message is sent, so two overlapping dispatches never both send it,
     * and slots six hours apart keep every account within PSD2's four unattended reads a day.
     */
    async dispatchSyncs(): Promise<{ dispatched: number }> {
      const at = now();
      const due = await store.dueForSync(at, DISPATCH_BATCH);
      const next = new Date(at.getTime() + SYNC_INTERVAL_MS).toISOString();
      const taken: string[] = [];
      for (const { saverId, nextSyncAt } of due) {
        if (await store.rescheduleSync(saverId, nextSyncAt, next)) taken.push(saverId);
      }
      if (taken.length > 0) await enqueueSyncs(taken);
      return { dispatched: taken.length };
    },

    /** Resolves every open transfer it can; returns how many ended in each state. */
    async reconcileTransfers(): Promise<{
      checked: number;
      byStatus: Record<string, number>;
      oldestOpenMinutes: number;
    }> {
      const byStatus: Record<string, number> = {};
      let checked = 0;
      let cursor: string | undefined;
      const started = now().getTime();
      let oldestOpenMinutes = 0;
      do {
        const page = await store.allOpenTransfers(cursor);
        for (const { saverId, transferId } of page.items) {
          checked += 1;
          let status: string;
          try {
            status = await transfers.reconcile(saverId, transferId);
          } catch {
            // One saver's bank trouble must not stop the others; the transfer stays open and is retried.
            status = 'error';
          }
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          const transfer = await store.getTransfer(saverId, transferId);
          if (transfer && !isTerminalTransferStatus(transfer.status)) {
            const ageMinutes = Math.floor((started - Date.parse(transfer.createdAt)) / 60_000);
            oldestOpenMinutes = Math.max(oldestOpenMinutes, ageMinutes);
          }
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { checked, byStatus, oldestOpenMinutes };
    },

    /** Daily calendar rules for each saver whose local day has turned since their last evaluation. */
    async periodicRules(): Promise<{ evaluated: number }> {
      let evaluated = 0;
      await eachLinkedSaver(store, async (saverId) => {
        if ((await sync.evaluateCalendar(saverId)) === 'evaluated') evaluated += 1;
      });
      return { evaluated };
    },

    /**
     * Warns savers 7 days and 1 day before their bank consent runs out, and once it has, stops their
     * syncs and takes back transfers not yet sent.
     */
    async consentWatch(): Promise<{ warned: number; expired: number }> {
      const at = now();
      let warned = 0;
      let expired = 0;
      await eachLinkedSaver(store, async (saverId) => {
        const state = await store.syncState(saverId);
        if (!state) return;
        const left = Date.parse(state.consentExpiresAt) - at.getTime();
        const base = { createdAt: at.toISOString(), readAt: null, link: '/settings' };
        if (!consentUsable(state, at)) {
          await store.markNeedsConsent(saverId);
          await sync.withdrawPlanned(saverId);
          await store.notify(saverId, {
            ...base,
            id: `consent-expired:${state.consentExpiresAt}`,
            kind: 'consent-expired',
            title: 'Your bank connection has ended',
            body: 'Reconnect Nordea to keep saving automatically.',
          });
          expired += 1;
          return;
        }
        const days = left <= DAY_MS ? 1 : left <= 7 * DAY_MS ? 7 : null;
        if (days === null) return;
        const created = await store.notify(saverId, {
          ...base,
          id: `consent-expiring:${days}:${state.consentExpiresAt}`,
          kind: 'consent-expiring',
          title:
            days === 1 ? 'Your bank connection ends tomorrow' : 'Your bank connection ends within a week',
          body: 'Renew your Nordea consent so your rules keep saving.',
        });
        if (created) warned += 1;
      });
      return { warned, expired };
    },
  };
}
