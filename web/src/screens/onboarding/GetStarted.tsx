import { text } from '../../text.ts';
import { Link } from '../../ui/Link.tsx';

/** Where each step of getting started is done; the card's button leads to the current one. */
const STEP_LINKS = ['/bank', '/bank/accounts', '/start/goal', '/start/rules'] as const;
const STEP_BUTTONS = [
  text.onboarding.cta,
  text.bank.chooseAccountsLink,
  text.dashboard.firstGoalButton,
  text.start.rulesTitle,
] as const;

/** The steps of getting started as a list, the done ones ticked and the current one marked. */
export function StartSteps({ step, compact = false }: { step: number; compact?: boolean }) {
  return (
    <ol className={compact ? 'start-steps' : 'steps'} aria-label={text.start.stepsLabel}>
      {text.onboarding.steps.map((label, index) => {
        const number = index + 1;
        const done = number < step;
        const current = number === step;
        return (
          <li
            key={label}
            className={
              [compact ? 'start-step' : '', current ? 'step-current' : done ? 'step-done' : '']
                .filter(Boolean)
                .join(' ') || undefined
            }
            aria-current={current ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {done ? '✓' : number}
            </span>
            <span>
              {label}
              {done && <span className="visually-hidden"> ({text.start.done})</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Home for a saver who has not finished getting started: the steps and a button to the next one. */
export function GetStarted({ step }: { step: 1 | 2 | 3 }) {
  return (
    <section className="card onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">{text.onboarding.title}</h2>
      <StartSteps step={step} />
      <Link to={STEP_LINKS[step - 1] ?? '/'} className="button button-primary">
        {STEP_BUTTONS[step - 1] ?? ''}
      </Link>
    </section>
  );
}
