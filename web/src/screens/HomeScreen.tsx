import type { BankConnection, Goal, ListPage } from '../api/types.ts';
import { formatAmount, hourIn } from '../format.ts';
import { useSaver } from '../saver.ts';
import { text } from '../text.ts';
import { BankSummary } from '../ui/BankSummary.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { Piggy } from '../ui/Piggy.tsx';
import { SettingsSummary } from '../ui/SettingsSummary.tsx';
import { SyncNow } from '../ui/SyncNow.tsx';
import { type Resource, useResource } from '../ui/useResource.ts';

function Onboarding() {
  return (
    <section className="card onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">{text.onboarding.title}</h2>
      <ol className="steps">
        {text.onboarding.steps.map((step, index) => (
          <li key={step} className={index === 0 ? 'step-current' : undefined}>
            <span className="step-number" aria-hidden="true">
              {index + 1}
            </span>
            <span>
              {step}
              {index === 2 && <span className="pill pill-neutral">{text.onboarding.stepSoon}</span>}
            </span>
          </li>
        ))}
      </ol>
      <Link to="/bank" className="button button-primary">
        {text.onboarding.cta}
      </Link>
    </section>
  );
}

function GoalProgress({ goal }: { goal: Goal }) {
  const { locale } = useSaver();
  const percent =
    goal.targetMinor > 0 ? Math.min(100, Math.floor((goal.savedMinor / goal.targetMinor) * 100)) : 100;
  return (
    <li className="goal">
      <div className="goal-head">
        <span className="goal-name">
          {goal.emoji && <span aria-hidden="true">{goal.emoji} </span>}
          {goal.name}
        </span>
        {goal.status === 'reached' && <span className="pill pill-success">{text.goals.reached}</span>}
      </div>
      <progress className="goal-bar" max={100} value={percent} aria-label={text.goals.progress(goal.name)}>
        {percent} %
      </progress>
      <p className="goal-amounts">
        {text.goals.saved(
          formatAmount(goal.savedMinor, goal.currency, locale),
          formatAmount(goal.targetMinor, goal.currency, locale),
        )}
      </p>
    </li>
  );
}

function Goals({ goals }: { goals: Resource<ListPage<Goal>> }) {
  if (goals.state === 'loading')
    return (
      <section className="card">
        <Skeleton lines={3} />
      </section>
    );
  if (goals.state === 'failed') return <LoadError error={goals.error} retry={goals.reload} />;
  const shown = goals.data.items.filter((goal) => goal.status !== 'archived');
  if (shown.length === 0) return <GoalsComingSoon />;
  return (
    <section className="card" aria-labelledby="goals-title">
      <h2 id="goals-title">{text.home.goalsTitle}</h2>
      <ul className="goal-list">
        {shown.map((goal) => (
          <GoalProgress key={goal.id} goal={goal} />
        ))}
      </ul>
    </section>
  );
}

function GoalsComingSoon() {
  return (
    <section className="card empty-state" aria-labelledby="goals-title">
      <h2 id="goals-title">{text.home.goalsTitle}</h2>
      <Piggy size={64} className="empty-state-pig" />
      <p className="empty-state-title">{text.home.goalsSoonTitle}</p>
      <p className="muted">{text.home.goalsSoonBody}</p>
    </section>
  );
}

export function HomeScreen() {
  const saver = useSaver();
  const bank = useResource<BankConnection>('/api/bank');
  const goals = useResource<ListPage<Goal>>('/api/goals');
  const synced = () => {
    bank.reload();
    goals.reload();
  };
  return (
    <Page
      title={text.home.title}
      heading={
        <>
          <span className="kicker">{text.home.hej}</span> {text.home.greeting(hourIn(saver.timeZone))}
        </>
      }
      lead={text.home.signedInAs(saver.email)}
    >
      <div className="home-grid">
        <div className="home-main">
          {bank.state === 'loading' && (
            <section className="card">
              <Skeleton lines={4} />
            </section>
          )}
          {bank.state === 'failed' && <LoadError error={bank.error} retry={bank.reload} />}
          {bank.state === 'ready' &&
            (bank.data.status === 'unlinked' ? (
              <Onboarding />
            ) : (
              <BankSummary bank={bank.data}>
                {bank.data.status === 'linked' && bank.data.sourceAccountId && bank.data.savingsAccountId && (
                  <SyncNow onSynced={synced} />
                )}
              </BankSummary>
            ))}
          <Goals goals={goals} />
        </div>
        <aside className="home-side">
          <SettingsSummary settings={saver} />
        </aside>
      </div>
    </Page>
  );
}
