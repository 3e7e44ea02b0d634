import { useEffect, useRef, useState } from 'react';
import { apiRequest } from '../api/session.ts';
import type { Goal, ListPage } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { formatAmount } from '../format.ts';
import { formatDay, moveGoal, splitGoals } from '../goals.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Money } from '../ui/Money.tsx';
import { Page } from '../ui/Page.tsx';
import { Piggy } from '../ui/Piggy.tsx';
import { useResource } from '../ui/useResource.ts';

const T = text.goals;

function GoalFacts({ goal }: { goal: Goal }) {
  const { locale } = useSaver();
  const { projection } = goal;
  const money = (minor: number) => formatAmount(minor, goal.currency, locale);
  if (goal.status === 'reached') return null;
  return (
    <ul className="goal-card-facts">
      {goal.deadline && (
        <li>
          {T.deadline(formatDay(goal.deadline, locale))}
          {projection.neededPerWeekMinor !== null && projection.neededPerWeekMinor > 0 && (
            <> · {T.neededPerWeek(money(projection.neededPerWeekMinor))}</>
          )}
        </li>
      )}
      <li>
        {projection.projectedCompletionDate
          ? T.projected(formatDay(projection.projectedCompletionDate, locale))
          : T.noPace}
      </li>
      {projection.pacePerWeekMinor > 0 && <li>{T.pace(money(projection.pacePerWeekMinor))}</li>}
    </ul>
  );
}

function GoalStatus({ goal }: { goal: Goal }) {
  if (goal.status === 'reached') return <span className="pill pill-success">{T.reached}</span>;
  if (goal.projection.onTrack === true) return <span className="pill pill-success">{T.onTrack}</span>;
  if (goal.projection.onTrack === false) return <span className="pill pill-warning">{T.behind}</span>;
  return null;
}

function Celebration({ goal }: { goal: Goal }) {
  return (
    <div className="goal-celebration">
      <span className="goal-celebration-icon" aria-hidden="true">
        🎉
      </span>
      <div>
        <p className="goal-celebration-title">{T.celebrateTitle(goal.name)}</p>
        <p>
          {T.celebrateBody} {T.whenReachedDone[goal.whenReached]}
        </p>
      </div>
    </div>
  );
}

function GoalCard({
  goal,
  index,
  count,
  busy,
  onMove,
  onArchive,
}: {
  goal: Goal;
  index: number;
  count: number;
  busy: boolean;
  onMove: (goal: Goal, direction: 'up' | 'down') => void;
  onArchive: (goal: Goal) => void;
}) {
  const { locale } = useSaver();
  const percent = goal.projection.progressPercent;
  const titleId = `goal-${goal.id}-title`;
  return (
    <li
      className={`goal-card${goal.status === 'reached' ? ' goal-card-reached' : ''}`}
      aria-labelledby={titleId}
    >
      <div className="goal-card-head">
        <span className="goal-emoji" aria-hidden="true">
          {goal.emoji ?? '🐷'}
        </span>
        <div className="goal-card-title">
          <h3 id={titleId}>{goal.name}</h3>
          <span className="muted goal-position">{T.position(index + 1, count)}</span>
        </div>
        <GoalStatus goal={goal} />
      </div>
      {goal.status === 'reached' && <Celebration goal={goal} />}
      <progress className="goal-bar" max={100} value={percent} aria-label={T.progress(goal.name)}>
        {percent} %
      </progress>
      <p className="goal-amounts">
        <span>
          {T.saved(
            formatAmount(goal.savedMinor, goal.currency, locale),
            formatAmount(goal.targetMinor, goal.currency, locale),
          )}
        </span>
        <span aria-hidden="true">{percent} %</span>
      </p>
      <GoalFacts goal={goal} />
      {goal.status === 'active' && (
        <p className="muted goal-when-reached">{T.whenReachedPlan[goal.whenReached]}</p>
      )}
      <div className="goal-actions">
        <div className="goal-order">
          <button
            id={`goal-${goal.id}-up`}
            type="button"
            className="button button-ghost button-small button-icon"
            aria-label={T.moveUp(goal.name)}
            disabled={busy || index === 0}
            onClick={() => onMove(goal, 'up')}
          >
            <span aria-hidden="true">↑</span>
          </button>
          <button
            id={`goal-${goal.id}-down`}
            type="button"
            className="button button-ghost button-small button-icon"
            aria-label={T.moveDown(goal.name)}
            disabled={busy || index === count - 1}
            onClick={() => onMove(goal, 'down')}
          >
            <span aria-hidden="true">↓</span>
          </button>
        </div>
        <Link to={`/goals/${encodeURIComponent(goal.id)}`} className="button button-secondary button-small">
          {T.edit}
          <span className="visually-hidden"> {goal.name}</span>
        </Link>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => onArchive(goal)}
          disabled={busy}
        >
          {T.archive}
          <span className="visually-hidden"> {goal.name}</span>
        </button>
      </div>
    </li>
  );
}

function ArchivedGoals({
  goals,
  busy,
  onRestore,
}: {
  goals: Goal[];
  busy: boolean;
  onRestore: (goal: Goal) => void;
}) {
  const { locale } = useSaver();
  if (goals.length === 0) return null;
  return (
    <details className="card archived-goals">
      <summary>{T.archivedTitle(goals.length)}</summary>
      <ul className="archived-list">
        {goals.map((goal) => (
          <li key={goal.id} className="archived-item">
            <span>
              {goal.emoji && <span aria-hidden="true">{goal.emoji} </span>}
              {goal.name}{' '}
              <span className="muted">
                · <Money minor={goal.savedMinor} currency={goal.currency} locale={locale} />
              </span>
            </span>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => onRestore(goal)}
              disabled={busy}
            >
              {T.restore}
              <span className="visually-hidden"> {goal.name}</span>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

function GoalList({ goals, reload }: { goals: Goal[]; reload: () => void }) {
  const split = splitGoals(goals);
  const [order, setOrder] = useState(split.current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');
  const focusAfter = useRef<{ id: string; direction: 'up' | 'down' } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // A fresh load from the server replaces the local order.
  useEffect(() => setOrder(splitGoals(goals).current), [goals]);

  // Reordering moves the DOM node, which drops its focus: put it back on the same goal's button.
  useEffect(() => {
    const target = focusAfter.current;
    if (!target || busy) return;
    focusAfter.current = null;
    const button = document.getElementById(
      `goal-${target.id}-${target.direction}`,
    ) as HTMLButtonElement | null;
    const other = target.direction === 'up' ? 'down' : 'up';
    if (button && !button.disabled) button.focus();
    else document.getElementById(`goal-${target.id}-${other}`)?.focus();
  });

  const move = async (goal: Goal, direction: 'up' | 'down') => {
    const { order: next, changes } = moveGoal(order, goal.id, direction);
    if (changes.length === 0) return;
    setOrder(next);
    setError(null);
    setBusy(true);
    focusAfter.current = { id: goal.id, direction };
    const position = next.findIndex((candidate) => candidate.id === goal.id) + 1;
    setAnnouncement(T.moved(goal.name, position, next.length));
    try {
      for (const change of changes) {
        await apiRequest<Goal>('PATCH', `/api/goals/${encodeURIComponent(change.id)}`, {
          body: { priority: change.priority },
        });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      reload();
    }
  };

  const setStatus = async (goal: Goal, status: 'active' | 'archived') => {
    setError(null);
    setBusy(true);
    try {
      await apiRequest<Goal>('PATCH', `/api/goals/${encodeURIComponent(goal.id)}`, { body: { status } });
      showFlash({
        tone: 'success',
        message: status === 'archived' ? T.archived(goal.name) : T.restored(goal.name),
        path: '/goals',
      });
      // The goal's buttons are gone from where they were: start again from the list's heading.
      headingRef.current?.focus();
      reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <section className="stack" aria-labelledby="goal-list-title">
        <div className="card-title-row">
          <h2 id="goal-list-title" ref={headingRef} tabIndex={-1}>
            {T.listTitle}
          </h2>
          {order.length > 0 && (
            <Link to="/goals/new" className="button button-primary">
              {T.newGoal}
            </Link>
          )}
        </div>
        {order.length > 1 && <p className="muted">{T.orderHint}</p>}
        <p className="visually-hidden" role="status">
          {announcement}
        </p>
        {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
        {order.length === 0 ? (
          <EmptyGoals />
        ) : (
          <ol className="goal-cards">
            {order.map((goal, index) => (
              <GoalCard
                key={goal.id}
                goal={goal}
                index={index}
                count={order.length}
                busy={busy}
                onMove={move}
                onArchive={(archived) => void setStatus(archived, 'archived')}
              />
            ))}
          </ol>
        )}
      </section>
      <ArchivedGoals
        goals={split.archived}
        busy={busy}
        onRestore={(restored) => void setStatus(restored, 'active')}
      />
    </>
  );
}

function EmptyGoals() {
  return (
    <div className="card empty-state">
      <Piggy size={56} className="empty-state-pig" />
      <p className="empty-state-title">{T.empty}</p>
      <Link to="/goals/new" className="button button-primary">
        {T.createFirst}
      </Link>
    </div>
  );
}

/** `/goals`: every goal with its progress and pace, in the order rules fill them. */
export default function GoalsScreen() {
  const goals = useResource<ListPage<Goal>>('/api/goals');
  return (
    <Page title={T.title} lead={T.lead}>
      <div className="goals-layout">
        {goals.state === 'loading' && (
          <section className="card">
            <Skeleton lines={8} />
          </section>
        )}
        {goals.state === 'failed' && <LoadError error={goals.error} retry={goals.reload} />}
        {goals.state === 'ready' && <GoalList goals={goals.data.items} reload={goals.reload} />}
      </div>
    </Page>
  );
}
