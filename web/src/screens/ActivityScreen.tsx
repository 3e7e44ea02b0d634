import { useState } from 'react';
import {
  entryStatusText,
  entryTone,
  groupByDay,
  isFailedTransfer,
  relativeDayName,
  safeExternalUrl,
  skipReasonText,
  type Tone,
  transferStatusText,
  transferTone,
} from '../activity.ts';
import { ApiError } from '../api/problem.ts';
import { apiRequest } from '../api/session.ts';
import type { SavingsEntry, Transfer } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { formatAmount, formatDateTime, formatLocalDate, localDateIn } from '../format.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Money } from '../ui/Money.tsx';
import { Page } from '../ui/Page.tsx';
import { Piggy } from '../ui/Piggy.tsx';
import { type PagedList, usePagedList } from '../ui/usePagedList.ts';

const ENTRIES_PAGE = 30;
const TRANSFERS_PAGE = 5;

const pillClass = (tone: Tone) => `pill pill-${tone}`;

function EntryRow({ entry }: { entry: SavingsEntry }) {
  const { locale } = useSaver();
  const skipped = entry.status === 'skipped';
  return (
    <li className={`entry entry-${entry.status}`}>
      <div className="entry-main">
        <p className="entry-explanation">{entry.explanation}</p>
        {skipped && (
          <p className="entry-skip">
            <strong>{text.activity.skippedBecause}</strong> {skipReasonText(entry.skipReason)}
          </p>
        )}
      </div>
      <div className="entry-side">
        <span className={`entry-amount${skipped ? ' entry-amount-skipped' : ''}`}>
          {skipped && <span className="visually-hidden">{text.activity.wouldHaveSaved} </span>}
          <Money minor={entry.amountMinor} currency={entry.currency} locale={locale} />
        </span>
        <span className={pillClass(entryTone[entry.status] ?? 'neutral')}>
          {entryStatusText(entry.status)}
        </span>
      </div>
    </li>
  );
}

function SavesSection({ entries }: { entries: PagedList<SavingsEntry> }) {
  const { locale, timeZone } = useSaver();
  const today = localDateIn(timeZone);
  return (
    <section className="card" aria-labelledby="saves-title">
      <h2 id="saves-title">{text.activity.savesTitle}</h2>
      {entries.state === 'loading' && <Skeleton lines={6} />}
      {entries.state === 'failed' && <LoadError error={entries.error} retry={entries.reload} />}
      {entries.state === 'ready' && entries.items.length === 0 && (
        <div className="empty-state">
          <Piggy size={56} className="empty-state-pig" />
          <p className="empty-state-title">{text.activity.empty}</p>
          <p className="muted">{text.activity.emptyHint}</p>
        </div>
      )}
      {entries.state === 'ready' &&
        groupByDay(entries.items).map((group) => {
          const relative = relativeDayName(group.date, today);
          const full = formatLocalDate(group.date, locale);
          return (
            <section
              key={group.date}
              className="day-group"
              aria-label={relative ? `${relative}, ${full}` : full}
            >
              <h3 className="day-heading">
                <time dateTime={group.date}>
                  {relative ? (
                    <>
                      {relative} <span className="muted">· {full}</span>
                    </>
                  ) : (
                    full
                  )}
                </time>
              </h3>
              <ul className="entry-list">
                {group.items.map((entry) => (
                  <EntryRow key={entry.id} entry={entry} />
                ))}
              </ul>
            </section>
          );
        })}
      {entries.state === 'ready' && <LoadMore list={entries} label={text.activity.loadMore} />}
    </section>
  );
}

function LoadMore<T>({ list, label }: { list: PagedList<T & { id: string }>; label: string }) {
  if (list.state !== 'ready' || !list.nextCursor) return null;
  return (
    <div className="load-more">
      {list.moreError !== null && <Alert tone="error">{errorMessage(list.moreError)}</Alert>}
      <button
        type="button"
        className="button button-secondary"
        onClick={list.loadMore}
        disabled={list.loadingMore}
      >
        {list.loadingMore ? text.activity.loadingMore : label}
      </button>
    </div>
  );
}

function TransferRow({ transfer, onChanged }: { transfer: Transfer; onChanged: () => void }) {
  const { locale, timeZone } = useSaver();
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const signingUrl = safeExternalUrl(transfer.signingUrl);
  const amount = formatAmount(transfer.amountMinor, transfer.currency, locale);

  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      await apiRequest<Transfer>('POST', `/api/transfers/${encodeURIComponent(transfer.id)}/cancel`);
      setConfirming(false);
      showFlash({ tone: 'success', message: text.transfers.cancelled, path: '/activity' });
      onChanged();
    } catch (failure) {
      // A 409 says why in words (it is already with the bank, say): shown as the API put it, and the
      // list is read again so the transfer shows where it really is.
      setError(failure);
      setConfirming(false);
      if (failure instanceof ApiError && failure.status === 409) onChanged();
    } finally {
      setCancelling(false);
    }
  };

  return (
    <li className={`transfer transfer-${transfer.status}`}>
      <div className="transfer-head">
        <span className="transfer-amount">
          <Money minor={transfer.amountMinor} currency={transfer.currency} locale={locale} />
        </span>
        <span className={pillClass(transferTone[transfer.status] ?? 'neutral')}>
          {transferStatusText(transfer.status)}
        </span>
      </div>
      <p className="muted transfer-meta">
        <time dateTime={transfer.createdAt}>
          {text.transfers.created(formatDateTime(transfer.createdAt, locale, timeZone))}
        </time>{' '}
        · {text.transfers.saves(transfer.entryIds.length)}
      </p>
      {transfer.status === 'awaiting_confirmation' && (
        <div className="transfer-approve">
          {signingUrl ? (
            <a className="button button-primary" href={signingUrl}>
              {text.transfers.approve}
            </a>
          ) : (
            <p>{text.transfers.approveInBank}</p>
          )}
          {transfer.confirmBy && (
            <p className="transfer-deadline">
              {text.transfers.approveBy(formatDateTime(transfer.confirmBy, locale, timeZone))}
            </p>
          )}
        </div>
      )}
      {transfer.failureReason && isFailedTransfer(transfer.status) && (
        <p className="transfer-failure">
          <strong>{text.transfers.failure}</strong> {transfer.failureReason}
        </p>
      )}
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      {transfer.status === 'planned' && (
        <>
          <button
            type="button"
            className="button button-danger-outline button-small"
            onClick={() => setConfirming(true)}
          >
            {text.transfers.cancel}
          </button>
          <ConfirmDialog
            open={confirming}
            title={text.transfers.cancelTitle}
            confirmLabel={cancelling ? text.transfers.cancelling : text.transfers.cancelConfirm}
            busy={cancelling}
            onConfirm={cancel}
            onCancel={() => setConfirming(false)}
          >
            <p>{text.transfers.cancelBody(amount)}</p>
          </ConfirmDialog>
        </>
      )}
    </li>
  );
}

function TransfersSection({
  transfers,
  onChanged,
}: {
  transfers: PagedList<Transfer>;
  onChanged: () => void;
}) {
  return (
    <section className="card" aria-labelledby="transfers-title">
      <h2 id="transfers-title">{text.transfers.title}</h2>
      <p className="muted">{text.transfers.lead}</p>
      {transfers.state === 'loading' && <Skeleton lines={3} />}
      {transfers.state === 'failed' && <LoadError error={transfers.error} retry={transfers.reload} />}
      {transfers.state === 'ready' && transfers.items.length === 0 && <p>{text.transfers.empty}</p>}
      {transfers.state === 'ready' && transfers.items.length > 0 && (
        <ul className="transfer-list">
          {transfers.items.map((transfer) => (
            <TransferRow key={transfer.id} transfer={transfer} onChanged={onChanged} />
          ))}
        </ul>
      )}
      <LoadMore list={transfers} label={text.transfers.loadMore} />
    </section>
  );
}

/** The explainable ledger: every save and skip with its reason, and the transfers that move the money. */
export function ActivityScreen() {
  const entries = usePagedList<SavingsEntry>('/api/activity', ENTRIES_PAGE);
  const transfers = usePagedList<Transfer>('/api/transfers', TRANSFERS_PAGE);
  const changed = () => {
    transfers.reload();
    entries.reload();
  };
  return (
    <Page title={text.activity.title} lead={text.activity.lead}>
      <div className="activity-layout">
        <TransfersSection transfers={transfers} onChanged={changed} />
        <SavesSection entries={entries} />
      </div>
    </Page>
  );
}
