import { type FormEvent, useRef, useState } from 'react';
import { apiRequest } from '../../api/session.ts';
import type { Goal, Habit } from '../../api/types.ts';
import { showFlash } from '../../flash.ts';
import { navigate, useLocation } from '../../router.ts';
import { useSaver } from '../../saver.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';
import { TextField } from '../../ui/Field.tsx';
import { Link } from '../../ui/Link.tsx';
import { LoadError, Skeleton } from '../../ui/LoadState.tsx';
import { Page } from '../../ui/Page.tsx';
import { useResource } from '../../ui/useResource.ts';
import { StartSteps } from './GetStarted.tsx';
import { TEMPLATE_KEYS, type TemplateKey, templateRule } from './templates.ts';

function TemplatesForm({ goal }: { goal: Goal }) {
  const { currency } = useSaver();
  const [chosen, setChosen] = useState<ReadonlySet<TemplateKey>>(new Set());
  const [merchant, setMerchant] = useState<string>(text.start.templates.coffee.defaultMerchant);
  const [merchantErrors, setMerchantErrors] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // Kept across a retry, so a rule (or the workout habit) that was created is never created twice.
  const created = useRef(new Set<TemplateKey>());
  const habitId = useRef<string | null>(null);
  const merchantRef = useRef<HTMLInputElement>(null);

  const toggle = (key: TemplateKey) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (creating) return;
    setFormError(null);
    setMerchantErrors([]);
    if (chosen.size === 0) {
      setFormError(text.start.pickOne);
      return;
    }
    const shop = merchant.trim();
    if (chosen.has('coffee') && shop === '') {
      setMerchantErrors([text.start.templates.coffee.merchantRequired]);
      setFormError(text.errors.fixFields);
      merchantRef.current?.focus();
      return;
    }
    setCreating(true);
    try {
      for (const key of TEMPLATE_KEYS) {
        if (!chosen.has(key) || created.current.has(key)) continue;
        if (key === 'workout' && habitId.current === null) {
          const habit = await apiRequest<Habit>('POST', '/api/habits', {
            body: { name: text.start.templates.workout.habitName, emoji: '🏋️' },
          });
          habitId.current = habit.id;
        }
        await apiRequest('POST', '/api/rules', {
          body: templateRule(key, goal.id, currency, { merchant: shop, habitId: habitId.current }),
        });
        created.current.add(key);
      }
    } catch (failure) {
      setFormError(
        created.current.size > 0
          ? `${text.start.partlyCreated} ${errorMessage(failure)}`
          : errorMessage(failure),
      );
      setCreating(false);
      return;
    }
    showFlash({ tone: 'success', message: text.start.created(created.current.size, goal.name), path: '/' });
    navigate('/');
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate>
      {formError && <Alert tone="error">{formError}</Alert>}
      <fieldset className="choice-row">
        <legend>{text.start.rulesLegend}</legend>
        <div className="template-list">
          {TEMPLATE_KEYS.map((key) => {
            const template = text.start.templates[key];
            const isOn = created.current.has(key);
            return (
              <div key={key} className="template">
                <label className="template-choice">
                  <input
                    type="checkbox"
                    name="template"
                    value={key}
                    checked={chosen.has(key)}
                    disabled={isOn || creating}
                    onChange={() => toggle(key)}
                  />
                  <span>
                    <span className="template-title">{template.title}</span>
                    <span className="template-body">{template.body}</span>
                  </span>
                </label>
                {key === 'coffee' && chosen.has('coffee') && (
                  <TextField
                    label={text.start.templates.coffee.merchant}
                    name="merchantText"
                    spellCheck={false}
                    value={merchant}
                    onChange={setMerchant}
                    hint={text.start.templates.coffee.merchantHint}
                    errors={merchantErrors}
                    inputRef={merchantRef}
                    maxLength={60}
                  />
                )}
              </div>
            );
          })}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={creating}>
          {creating ? text.start.creating : text.start.create}
        </button>
        <Link to="/" className="button button-ghost">
          {text.start.skip}
        </Link>
      </div>
    </form>
  );
}

/** Step 4 of getting started: rule templates with sensible defaults, all funding the new goal. */
export function PickRulesScreen() {
  const goalId = useLocation().search.get('goal') ?? '';
  const goal = useResource<Goal>(`/api/goals/${encodeURIComponent(goalId)}`);
  const goalName = goal.state === 'ready' ? goal.data.name : '…';
  return (
    <Page title={text.start.rulesTitle} lead={text.start.rulesLead(goalName)} className="start-layout">
      <StartSteps step={4} compact />
      {goal.state === 'loading' && (
        <section className="card">
          <Skeleton lines={8} />
        </section>
      )}
      {goal.state === 'failed' &&
        (goalId === '' || (goal.error as { status?: number }).status === 404 ? (
          <Alert tone="warning">
            {text.start.goalMissing} <Link to="/start/goal">{text.start.goalTitle}</Link>
          </Alert>
        ) : (
          <LoadError error={goal.error} retry={goal.reload} />
        ))}
      {goal.state === 'ready' && <TemplatesForm goal={goal.data} />}
    </Page>
  );
}
