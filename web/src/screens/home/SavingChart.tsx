import type { ReactNode } from 'react';
import type { Goal, ListPage } from '../../api/types.ts';
import { dashboardGoals, formatDay, savingSeries } from '../../dashboard.ts';
import { formatAmount, localDateIn, minorToDecimal } from '../../format.ts';
import { useSaver } from '../../saver.ts';
import { text } from '../../text.ts';
import { LineChart } from '../../ui/LineChart.tsx';
import { LoadError, Skeleton } from '../../ui/LoadState.tsx';
import type { Resource } from '../../ui/useResource.ts';
import type { SavingHistory } from './useSavingHistory.ts';

/** The chart has six line styles; more goals than that would blur into each other. */
const MAX_LINES = 6;

/** Whole currency units on the axis (`4.000 kr.`), decimals only where the scale is that small. */
function axisFormatter(currency: string, locale: string) {
  const whole = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
  return (minor: number) => {
    if (minor !== 0 && minor < 1000) return formatAmount(Math.round(minor), currency, locale);
    const digits =
      new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    return whole.format(minorToDecimal(Math.round(minor), digits) as `${number}`);
  };
}

/** Saving over time per goal: what each goal held at the end of each of the last twelve weeks. */
export function SavingChart({ goals, history }: { goals: Resource<ListPage<Goal>>; history: SavingHistory }) {
  const { currency, locale, timeZone } = useSaver();
  let body: ReactNode;
  if (goals.state === 'loading' || history.state === 'loading') body = <Skeleton lines={6} />;
  else if (goals.state === 'failed') body = <LoadError error={goals.error} retry={goals.reload} />;
  else if (history.state === 'failed') body = <LoadError error={history.error} retry={history.reload} />;
  else {
    const today = localDateIn(timeZone);
    const shown = dashboardGoals(goals.data.items)
      .sort((a, b) => b.savedMinor - a.savedMinor)
      .slice(0, MAX_LINES);
    const series = savingSeries(shown, history.entries, today, history.completeAfter);
    const xs = series[0]?.points.map((point) => point.date) ?? [];
    const anything = series.some((line) => line.points.some((point) => point.valueMinor > 0));
    if (!anything || xs.length < 2) {
      body = (
        <div className="chart-placeholder">
          <p className="muted">{text.dashboard.chartEmpty}</p>
        </div>
      );
    } else {
      const money = (minor: number) => formatAmount(minor, currency, locale);
      const short = (date: string) =>
        formatDay(date, locale, { dateStyle: undefined, day: 'numeric', month: 'short' });
      const summary = text.dashboard.chartSummary(
        series
          .map((line) =>
            text.dashboard.chartSeriesSummary(
              line.label,
              money(line.points[0]?.valueMinor ?? 0),
              money(line.points[line.points.length - 1]?.valueMinor ?? 0),
            ),
          )
          .join('; '),
      );
      body = (
        <>
          {history.completeAfter !== null && (
            <p className="muted">{text.dashboard.chartPartial(formatDay(xs[0] ?? today, locale))}</p>
          )}
          <LineChart
            xs={xs}
            series={series.map((line) => ({
              id: line.goalId,
              label: line.label,
              values: line.points.map((point) => point.valueMinor),
            }))}
            formatX={short}
            formatY={axisFormatter(currency, locale)}
            summary={summary}
            tableCaption={text.dashboard.chartTableCaption}
            xHeading={text.dashboard.chartWeekOf}
          />
        </>
      );
    }
  }
  return (
    <section className="card" aria-labelledby="chart-title">
      <h2 id="chart-title">{text.dashboard.chartTitle}</h2>
      <p className="muted">{text.dashboard.chartLead}</p>
      {body}
    </section>
  );
}
