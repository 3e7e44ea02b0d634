import type { ReactNode } from 'react';
import { safeExternalUrl, transferStatusText, transferTone } from '../../activity.ts';
import type { ListPage, Transfer } from '../../api/types.ts';
import { transferToShow } from '../../dashboard.ts';
import { formatAmount, formatDateTime } from '../../format.ts';
import { useSaver } from '../../saver.ts';
import { text } from '../../text.ts';
import { Link } from '../../ui/Link.tsx';
import { LoadError, Skeleton } from '../../ui/LoadState.tsx';
import { Money } from '../../ui/Money.tsx';
import type { Resource } from '../../ui/useResource.ts';

/** The transfer under way (or the last one) and its state, with the approval link when the bank wants one. */
export function NextTransfer({ transfers }: { transfers: Resource<ListPage<Transfer>> }) {
  const { locale, timeZone, minimumTransferMinor, currency } = useSaver();
  let body: ReactNode;
  if (transfers.state === 'loading') body = <Skeleton lines={3} />;
  else if (transfers.state === 'failed')
    body = <LoadError error={transfers.error} retry={transfers.reload} />;
  else {
    const shown = transferToShow(transfers.data.items);
    const transfer = shown?.transfer;
    const signingUrl = safeExternalUrl(transfer?.signingUrl);
    body = (
      <>
        {!shown?.open && <p>{text.dashboard.noOpenTransfer}</p>}
        {transfer && (
          <div className="next-transfer">
            {!shown.open && <p className="dash-figure-label">{text.dashboard.lastTransfer}</p>}
            <p className="transfer-amount">
              <Money minor={transfer.amountMinor} currency={transfer.currency} locale={locale} />
            </p>
            <span className={`pill pill-${transferTone[transfer.status] ?? 'neutral'}`}>
              {transferStatusText(transfer.status)}
            </span>
            <p className="muted transfer-meta">
              <time dateTime={transfer.createdAt}>
                {text.transfers.created(formatDateTime(transfer.createdAt, locale, timeZone))}
              </time>{' '}
              · {text.transfers.saves(transfer.entryIds.length)}
            </p>
            {transfer.status === 'awaiting_confirmation' && signingUrl && (
              <a className="button button-primary" href={signingUrl}>
                {text.transfers.approve}
              </a>
            )}
          </div>
        )}
        {!transfer && <p className="muted">{text.dashboard.noTransfers}</p>}
        {!shown?.open && (
          <p className="muted">
            {text.dashboard.waitsForMinimum(formatAmount(minimumTransferMinor, currency, locale))}
          </p>
        )}
        <Link to="/activity" className="card-link">
          {text.dashboard.seeActivity}
        </Link>
      </>
    );
  }
  return (
    <section className="card" aria-labelledby="next-transfer-title">
      <h2 id="next-transfer-title">{text.dashboard.nextTransferTitle}</h2>
      {body}
    </section>
  );
}
