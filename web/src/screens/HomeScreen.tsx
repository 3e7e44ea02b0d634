import type { BankConnection } from '../api/types.ts';
import { hourIn } from '../format.ts';
import { useSaver } from '../saver.ts';
import { text } from '../text.ts';
import { BankSummary } from '../ui/BankSummary.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { Piggy } from '../ui/Piggy.tsx';
import { SettingsSummary } from '../ui/SettingsSummary.tsx';
import { useResource } from '../ui/useResource.ts';

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
            (bank.data.status === 'unlinked' ? <Onboarding /> : <BankSummary bank={bank.data} />)}
          <GoalsComingSoon />
        </div>
        <aside className="home-side">
          <SettingsSummary settings={saver} />
        </aside>
      </div>
    </Page>
  );
}
