import { useState } from 'react';
import { apiRequest } from '../api/session.ts';
import type { Goal, Habit, ListPage, Rule } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { type PreviewContext, RULE_TYPES, ruleFormOf, rulePreview, ruleTitle } from '../rules.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { useResource } from '../ui/useResource.ts';

const T = text.rules;

function RuleRow({
  rule,
  context,
  onChanged,
}: {
  rule: Rule;
  context: PreviewContext;
  onChanged: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const title = ruleTitle(rule);
  const type = T.types[rule.type];
  const togglePause = async () => {
    setBusy(true);
    setError(null);
    try {
      await apiRequest<Rule>('PATCH', `/api/rules/${encodeURIComponent(rule.id)}`, {
        body: { paused: !rule.paused },
      });
      showFlash({
        tone: 'success',
        message: rule.paused ? T.resumedDone(title) : T.pausedDone(title),
        path: '/rules',
      });
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`rule-row${rule.paused ? ' rule-row-paused' : ''}`}>
      <span className="rule-icon" aria-hidden="true">
        {type?.icon}
      </span>
      <div className="rule-row-main">
        <h3 className="rule-row-title">
          {title}{' '}
          <span className={`pill rule-row-pill ${rule.paused ? 'pill-warning' : 'pill-success'}`}>
            {rule.paused ? T.paused : T.on}
          </span>
        </h3>
        <p>{rulePreview(ruleFormOf(rule, context.currency, context.locale), context)}</p>
        {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      </div>
      <div className="rule-row-actions">
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={togglePause}
          disabled={busy}
          aria-label={rule.paused ? T.resumeLabel(title) : T.pauseLabel(title)}
        >
          {rule.paused ? T.resume : T.pause}
        </button>
        <Link to={`/rules/${encodeURIComponent(rule.id)}`} className="button button-ghost button-small">
          {T.edit}
          <span className="visually-hidden"> {title}</span>
        </Link>
      </div>
    </li>
  );
}

function Gallery({ hasGoals }: { hasGoals: boolean }) {
  return (
    <section className="card" aria-labelledby="rule-gallery-title">
      <h2 id="rule-gallery-title">{T.galleryTitle}</h2>
      <p className="muted">{T.galleryLead}</p>
      {!hasGoals && (
        <Alert tone="info">
          {T.needGoal} <Link to="/goals/new">{T.createGoal}</Link>
        </Alert>
      )}
      <ul className="rule-gallery">
        {RULE_TYPES.map((type) => {
          const info = T.types[type];
          return (
            <li key={type} className="rule-tile">
              <span className="rule-tile-icon" aria-hidden="true">
                {info?.icon}
              </span>
              <h3>{info?.name}</h3>
              <p className="rule-tile-blurb">{info?.blurb}</p>
              <Link to={`/rules/new?type=${type}`} className="button button-secondary button-small">
                {T.setUp(info?.name ?? type)}
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** `/rules`: the saver's rules in plain words, with pause and resume, and the catalogue to add one. */
export default function RulesScreen() {
  const { currency, locale } = useSaver();
  const rules = useResource<ListPage<Rule>>('/api/rules');
  const goals = useResource<ListPage<Goal>>('/api/goals');
  const habits = useResource<ListPage<Habit>>('/api/habits');
  const goalList = goals.state === 'ready' ? goals.data.items : [];
  const habitList = habits.state === 'ready' ? habits.data.items : [];
  const context: PreviewContext = {
    currency,
    locale,
    goalName: (id) => goalList.find((goal) => goal.id === id)?.name,
    habitName: (id) => habitList.find((habit) => habit.id === id)?.name,
  };
  const loading = rules.state === 'loading' || goals.state === 'loading';
  return (
    <Page title={T.title} lead={T.lead}>
      <div className="rules-layout">
        <section className="card" aria-labelledby="your-rules-title">
          <h2 id="your-rules-title">{T.yourRules}</h2>
          {loading && <Skeleton lines={4} />}
          {rules.state === 'failed' && <LoadError error={rules.error} retry={rules.reload} />}
          {goals.state === 'failed' && <LoadError error={goals.error} retry={goals.reload} />}
          {!loading && rules.state === 'ready' && rules.data.items.length === 0 && (
            <p className="muted">{T.noRules}</p>
          )}
          {!loading && rules.state === 'ready' && rules.data.items.length > 0 && (
            <ul className="rule-list">
              {rules.data.items.map((rule) => (
                <RuleRow key={rule.id} rule={rule} context={context} onChanged={rules.reload} />
              ))}
            </ul>
          )}
        </section>
        <Gallery hasGoals={goals.state !== 'ready' || goalList.some((goal) => goal.status !== 'archived')} />
      </div>
    </Page>
  );
}
