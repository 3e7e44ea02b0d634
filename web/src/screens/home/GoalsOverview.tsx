import type { Goal, ListPage } from '../../api/types.ts';
import { dashboardGoals, formatDay } from '../../dashboard.ts';
import { formatAmount } from '../../format.ts';
import { useSaver } from '../../saver.ts';
import { text } from '../../text.ts';
import { Link } from '../../ui/Link.tsx';
import { LoadError, Skeleton } from '../../ui/LoadState.tsx';
import { Piggy } from '../../ui/Piggy.tsx';
import type { Resource } from '../../ui/useResource.ts';

function GoalStanding({ goal }: { goal: Goal }) {
  if (goal.status === 'reached') return <span className="pill pill-success">{text.goals.reached}</span>;
  if (goal.projection.onTrack === true)
    return <span className="pill pill-success">{text.dashboard.onTrack}</span>;
  if (goal.projection.onTrack === false)
    return <span className="pill pill-warning">{text.dashboard.behind}</span>;
  return null;
}

function GoalRow({ goal }: { goal: Goal }) {
  const { locale } = useSaver();
  const money = (minor: number) => formatAmount(minor, goal.currency, locale);
  const { projection } = goal;
  const reached = goal.status === 'reached';
  return (
    <li className="goal">
      <div className="goal-head">
        <span className="goal-name">
          {goal.emoji && <span aria-hidden="true">{goal.emoji} </span>}
          {goal.name}
        </span>
        <GoalStanding goal={goal} />
      </div>
      <progress
        className={`goal-bar${reached ? ' goal-bar-full' : ''}`}
        max={100}
        value={projection.progressPercent}
        aria-label={text.goals.progress(goal.name)}
      >
        {projection.progressPercent} %
      </progress>
      <p className="goal-amounts">{text.goals.saved(money(goal.savedMinor), money(goal.targetMinor))}</p>
      {!reached && (
        <p className="goal-facts">
          <span>
            {projection.projectedCompletionDate
              ? text.dashboard.projected(formatDay(projection.projectedCompletionDate, locale))
              : text.dashboard.noPace}
          </span>
          {goal.deadline && <span>{text.dashboard.deadline(formatDay(goal.deadline, locale))}</span>}
          {projection.onTrack === false && projection.neededPerWeekMinor !== null && (
            <span>{text.dashboard.neededPerWeek(money(projection.neededPerWeekMinor))}</span>
          )}
          {projection.pacePerWeekMinor > 0 && (
            <span>{text.dashboard.pacePerWeek(money(projection.pacePerWeekMinor))}</span>
          )}
        </p>
      )}
    </li>
  );
}

/** Each goal: how far it is, when it will be reached at the recent pace, and whether that is in time. */
export function GoalsOverview({ goals }: { goals: Resource<ListPage<Goal>> }) {
  if (goals.state === 'loading')
    return (
      <section className="card">
        <Skeleton lines={4} />
      </section>
    );
  if (goals.state === 'failed') return <LoadError error={goals.error} retry={goals.reload} />;
  const shown = dashboardGoals(goals.data.items);
  if (shown.length === 0) {
    // Only archived goals: nothing to track until one is active again.
    return (
      <section className="card empty-state" aria-labelledby="goals-title">
        <h2 id="goals-title">{text.home.goalsTitle}</h2>
        <Piggy size={64} className="empty-state-pig" />
        <p className="muted">{text.dashboard.firstGoalBody}</p>
        <Link to="/goals" className="button button-secondary">
          {text.dashboard.manageGoals}
        </Link>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="goals-title">
      <div className="card-title-row">
        <h2 id="goals-title">{text.home.goalsTitle}</h2>
        <Link to="/goals" className="card-link">
          {text.dashboard.manageGoals}
        </Link>
      </div>
      <ul className="goal-list">
        {shown.map((goal) => (
          <GoalRow key={goal.id} goal={goal} />
        ))}
      </ul>
    </section>
  );
}
