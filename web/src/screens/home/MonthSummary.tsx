import type { ReactNode } from 'react';
import { monthStartOf, monthTotals } from '../../dashboard.ts';
import { formatAmount, localDateIn } from '../../format.ts';
import { useSaver } from '../../saver.ts';
import { text } from '../../text.ts';
import { LoadError, Skeleton } from '../../ui/LoadState.tsx';
import { Money } from '../../ui/Money.tsx';
import type { SavingHistory } from './useSavingHistory.ts';

/** Saved this month (paid and on its way, as the monthly limit counts it) against that limit. */
export function MonthSummary({ history }: { history: SavingHistory }) {
  const { currency, locale, timeZone, monthlyBudgetMinor } = useSaver();
  const today = localDateIn(timeZone);
  let body: ReactNode;
  if (history.state === 'loading') body = <Skeleton lines={3} />;
  else if (history.state === 'failed') body = <LoadError error={history.error} retry={history.reload} />;
  else if (history.completeAfter !== null && history.completeAfter >= monthStartOf(today))
    body = <p className="muted">{text.dashboard.chartPartial(monthStartOf(today))}</p>;
  else {
    const totals = monthTotals(history.entries, today);
    const money = (minor: number) => formatAmount(minor, currency, locale);
    body = (
      <>
        <div>
          <p className="dash-figure-label">{text.dashboard.monthSaved}</p>
          <p className="dash-figure">
            <Money minor={totals.countedMinor} currency={currency} locale={locale} />
          </p>
        </div>
        {monthlyBudgetMinor === null ? (
          <p className="muted">{text.dashboard.monthNoBudget}</p>
        ) : (
          <>
            <progress
              className={`goal-bar${totals.countedMinor >= monthlyBudgetMinor ? ' goal-bar-full' : ''}`}
              max={Math.max(1, monthlyBudgetMinor)}
              value={Math.min(totals.countedMinor, monthlyBudgetMinor)}
              aria-label={text.dashboard.monthBudgetLabel}
            />
            <p className="goal-amounts">
              {text.dashboard.monthOfBudget(money(totals.countedMinor), money(monthlyBudgetMinor))}
            </p>
            {totals.countedMinor >= monthlyBudgetMinor && (
              <p className="muted">{text.dashboard.monthBudgetReached}</p>
            )}
          </>
        )}
        {totals.onTheWayMinor > 0 && (
          <p className="muted">{text.dashboard.monthOnTheWay(money(totals.onTheWayMinor))}</p>
        )}
      </>
    );
  }
  return (
    <section className="card" aria-labelledby="month-title">
      <h2 id="month-title">{text.dashboard.monthTitle}</h2>
      {body}
    </section>
  );
}
