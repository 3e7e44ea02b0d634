import { useState } from 'react';
import { apiRequest } from '../../api/session.ts';
import type { BacktestResult, DraftRule } from '../../api/types.ts';
import { formatAmount } from '../../format.ts';
import { isoWeekStart } from '../../rules.ts';
import { useSaver } from '../../saver.ts';
import { errorMessage, text } from '../../text.ts';
import { BarChart, type BarDatum } from '../../ui/BarChart.tsx';

const T = text.rules.backtest;

type Run =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; result: BacktestResult; draftKey: string }
  | { state: 'failed'; error: unknown };

function shortDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

function longDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

/** Nothing stored to replay yet: the saver's bank has not been read. */
const nothingToReplay = (result: BacktestResult) => result.transactionCount === 0 && result.entryCount === 0;

/** The result in words; kept short because the live region reads it out whole. */
function headline(result: BacktestResult, money: (minor: number) => string): string[] {
  if (nothingToReplay(result)) return [T.noTransactions];
  const lines = [
    T.result(result.days, money(result.totalMinor), result.entryCount),
    T.transfers(result.transferCount),
  ];
  if (result.capHits + result.budgetHits > 0) lines.push(T.capHits(result.capHits + result.budgetHits));
  if (result.floorApplied && result.floorHits > 0) lines.push(T.floorHits(result.floorHits));
  return lines;
}

function WeeklyChart({ result }: { result: BacktestResult }) {
  const { locale } = useSaver();
  const money = (minor: number) => formatAmount(minor, result.currency, locale);
  const data: BarDatum[] = result.weekly.map(({ week, savedMinor }) => {
    const start = isoWeekStart(week);
    return {
      key: week,
      label: start ? T.week(longDate(start, locale)) : week,
      shortLabel: start ? shortDate(start, locale) : week,
      value: savedMinor,
      valueText: money(savedMinor),
    };
  });
  const best = Math.max(0, ...result.weekly.map((week) => week.savedMinor));
  return (
    <BarChart
      title={T.chartTitle}
      summary={T.chartLabel(data.length, money(result.totalMinor), money(best))}
      data={data}
      labelHeading={T.weekColumn}
      valueHeading={T.valueColumn}
      formatValue={money}
    />
  );
}

/**
 * "What would this rule have saved?": replays the draft as it stands over the stored last 90 days
 * (POST /api/rules/backtest; nothing is saved or moved) and shows the result in words and per week.
 * `draftOf` answers the valid draft or null; `showErrors` marks the fields that stop it.
 */
export function BacktestPanel({
  draftOf,
  showErrors,
}: {
  draftOf: () => DraftRule | null;
  showErrors: () => void;
}) {
  const { locale } = useSaver();
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const [invalid, setInvalid] = useState(false);

  const start = async () => {
    const draft = draftOf();
    setInvalid(draft === null);
    if (draft === null) {
      showErrors();
      return;
    }
    setRun({ state: 'running' });
    try {
      const result = await apiRequest<BacktestResult>('POST', '/api/rules/backtest', {
        body: { rule: { ...draft, paused: false } },
      });
      setRun({ state: 'done', result, draftKey: JSON.stringify(draft) });
    } catch (error) {
      setRun({ state: 'failed', error });
    }
  };

  const current = draftOf();
  const stale = run.state === 'done' && (current === null || JSON.stringify(current) !== run.draftKey);
  const lines =
    run.state === 'done'
      ? headline(run.result, (minor) => formatAmount(minor, run.result.currency, locale))
      : [];
  return (
    <section className="card backtest" aria-labelledby="backtest-title">
      <h2 id="backtest-title">{T.title}</h2>
      <p className="muted">{T.lead}</p>
      <button
        type="button"
        className="button button-secondary"
        onClick={start}
        disabled={run.state === 'running'}
        aria-busy={run.state === 'running' || undefined}
      >
        {run.state === 'running' ? T.running : run.state === 'done' ? T.again : T.button}
      </button>
      <div className="backtest-result" role="status" aria-live="polite">
        {invalid && <p className="field-error">{T.fixFirst}</p>}
        {run.state === 'failed' && <p className="field-error">{errorMessage(run.error)}</p>}
        {lines.map((line, index) => (
          <p key={line} className={index === 0 ? 'backtest-headline' : undefined}>
            {line}
          </p>
        ))}
      </div>
      {stale && <p className="backtest-stale">{T.stale}</p>}
      {run.state === 'done' && !nothingToReplay(run.result) && <WeeklyChart result={run.result} />}
    </section>
  );
}
