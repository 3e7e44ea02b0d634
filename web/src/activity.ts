import type { EntryStatus, SavingsEntry, SyncSummary, TransferStatus } from './api/types.ts';
import { text } from './text.ts';

/**
 * The logic of the activity screen, notifications and "Sync now", kept free of React and the DOM so
 * the unit tests can run it as it is.
 */

export type Tone = 'success' | 'warning' | 'error' | 'neutral' | 'info';

export interface DayGroup<T> {
  /** The saver's local date, `YYYY-MM-DD`. */
  date: string;
  items: T[];
}

/**
 * Entries grouped by the local day of their trigger (the purchase, the logged action, the period),
 * newest day first; inside a day they keep the API's order (newest first).
 */
export function groupByDay<T extends Pick<SavingsEntry, 'trigger'>>(entries: readonly T[]): DayGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const entry of entries) {
    const date = entry.trigger.date;
    const group = groups.get(date);
    if (group) group.push(entry);
    else groups.set(date, [entry]);
  }
  return [...groups.entries()]
    .map(([date, items]) => ({ date, items }))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

/** The day before a local date (`YYYY-MM-DD`), by the calendar, with no time zone involved. */
export function previousDate(date: string): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() - 1);
  return at.toISOString().slice(0, 10);
}

/** "Today", "Yesterday" or null (the caller then prints the date itself). */
export function relativeDayName(date: string, today: string): string | null {
  if (date === today) return text.activity.today;
  if (date === previousDate(today)) return text.activity.yesterday;
  return null;
}

export const entryTone: Record<EntryStatus, Tone> = {
  pending: 'neutral',
  transferring: 'info',
  saved: 'success',
  skipped: 'neutral',
  failed: 'error',
  cancelled: 'neutral',
};

/** An entry's status in words. */
export const entryStatusText = (status: string): string =>
  (text.activity.entryStatus as Record<string, string>)[status] ?? status;

/** Why a save was skipped, in plain words; a reason this app does not know yet still reads well. */
export const skipReasonText = (reason: string | null): string =>
  (reason !== null ? (text.activity.skipReasons as Record<string, string>)[reason] : undefined) ??
  text.activity.skipReasonUnknown;

export const transferTone: Record<TransferStatus, Tone> = {
  planned: 'neutral',
  submitting: 'info',
  submitted: 'info',
  awaiting_confirmation: 'warning',
  paid: 'success',
  rejected: 'error',
  expired: 'error',
  cancelled: 'neutral',
  unknown: 'warning',
};

/** A transfer's state in words. */
export const transferStatusText = (status: string): string =>
  (text.transfers.status as Record<string, string>)[status] ?? status;

/** The statuses whose `failureReason` is worth showing. */
export const isFailedTransfer = (status: TransferStatus): boolean =>
  status === 'rejected' || status === 'expired' || status === 'unknown';

/**
 * A URL from the API that the app may put in an `href`: only absolute http(s) URLs, never
 * `javascript:`, `data:` or anything relative. Returns the normalised URL, or null.
 */
export function safeExternalUrl(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return url.href;
}

export type LinkTarget = { kind: 'internal'; path: string } | { kind: 'external'; href: string } | null;

/**
 * Where a notification's `link` leads: a path inside the app (it starts with one `/`; `//host` would
 * leave the site), an external http(s) URL, or nowhere.
 */
export function linkTarget(link: string | null | undefined): LinkTarget {
  if (typeof link !== 'string' || link === '') return null;
  if (link.startsWith('/')) {
    if (link.startsWith('//') || link.startsWith('/\\') || /[\s\\]/.test(link)) return null;
    return { kind: 'internal', path: link };
  }
  const href = safeExternalUrl(link);
  return href ? { kind: 'external', href } : null;
}

/** What "Sync now" tells the saver afterwards. */
export interface SyncResult {
  tone: 'success' | 'info' | 'warning';
  message: string;
  /** What the saver can do next. */
  action: 'see-activity' | 'reconnect' | 'choose-accounts' | null;
}

export function syncResult(summary: SyncSummary): SyncResult {
  switch (summary.outcome) {
    case 'synced': {
      if (summary.entriesCreated === 0) return { tone: 'info', message: text.sync.nothingNew, action: null };
      const saves = text.sync.newSaves(summary.entriesCreated);
      const message = summary.transferPlanned ? `${saves} ${text.sync.transferPlanned}` : saves;
      return { tone: 'success', message, action: 'see-activity' };
    }
    case 'needs-consent':
      return { tone: 'warning', message: text.sync.needsConsent, action: 'reconnect' };
    case 'no-accounts':
      return { tone: 'warning', message: text.sync.noAccounts, action: 'choose-accounts' };
    case 'read-budget-spent':
      return { tone: 'info', message: text.sync.readBudgetSpent, action: null };
    default:
      return { tone: 'info', message: text.sync.done, action: null };
  }
}
