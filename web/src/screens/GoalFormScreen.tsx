import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { apiRequest } from '../api/session.ts';
import type { Goal, GoalWhenReached, ListPage } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { localDateIn } from '../format.ts';
import {
  emptyGoalForm,
  type GoalForm,
  type GoalFormField,
  goalBodyOf,
  goalFormOf,
  nextPriority,
} from '../goals.ts';
import { navigate } from '../router.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { TextField } from '../ui/Field.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { useResource } from '../ui/useResource.ts';

const T = text.goals;
type Errors = Partial<Record<GoalFormField, string>>;

function WhenReachedChoice({
  value,
  onChange,
}: {
  value: GoalWhenReached;
  onChange: (value: GoalWhenReached) => void;
}) {
  const id = useId();
  const options: { value: GoalWhenReached; label: string; hint: string }[] = [
    { value: 'stop-rules', label: T.stopRules, hint: T.stopRulesHint },
    { value: 'move-to-next', label: T.moveToNext, hint: T.moveToNextHint },
  ];
  return (
    <fieldset className="choice-group">
      <legend>{T.whenReachedLegend}</legend>
      {options.map((option) => (
        <label key={option.value} className="radio-card">
          <input
            type="radio"
            name={`${id}-when-reached`}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <span className="radio-card-body">
            <span className="account-name">{option.label}</span>
            <span className="account-type">{option.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Fields from an API refusal (`/targetMinor` → the target field). */
function apiFieldErrors(error: unknown): Errors {
  if (!(error instanceof ApiError)) return {};
  const first = (field: string) => error.fieldMessages(field)[0];
  const errors: Errors = {};
  const name = first('name');
  const target = first('targetMinor');
  const deadline = first('deadline');
  const emoji = first('emoji');
  if (name) errors.name = name;
  if (target) errors.target = target;
  if (deadline) errors.deadline = deadline;
  if (emoji) errors.emoji = emoji;
  return errors;
}

function GoalEditor({ goal, others }: { goal: Goal | null; others: Goal[] }) {
  const { currency, locale, timeZone } = useSaver();
  const [form, setForm] = useState<GoalForm>(() => (goal ? goalFormOf(goal, locale) : emptyGoalForm()));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (field: keyof GoalForm) => (value: string) =>
    setForm((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const checked = goalBodyOf(
      form,
      { currency, locale, today: localDateIn(timeZone) },
      goal?.deadline ?? null,
    );
    if (!checked.ok) {
      setErrors(checked.errors);
      // The first field with a problem takes focus, so its message is read out.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      if (goal) {
        await apiRequest<Goal>('PATCH', `/api/goals/${encodeURIComponent(goal.id)}`, { body: checked.body });
        showFlash({ tone: 'success', message: T.savedChanges, path: '/goals' });
      } else {
        await apiRequest<Goal>('POST', '/api/goals', {
          body: { ...checked.body, currency, priority: nextPriority(others) },
        });
        showFlash({ tone: 'success', message: T.created(checked.body.name), path: '/goals' });
      }
      navigate('/goals');
    } catch (error) {
      setErrors(apiFieldErrors(error));
      setFormError(error);
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!goal) return;
    setDeleting(true);
    try {
      await apiRequest<void>('DELETE', `/api/goals/${encodeURIComponent(goal.id)}`);
      showFlash({ tone: 'success', message: T.deleted(goal.name), path: '/goals' });
      navigate('/goals');
    } catch (error) {
      // A 409 says which rules still save into it.
      setFormError(error);
      setConfirmingDelete(false);
      setDeleting(false);
    }
  };

  return (
    <form ref={formRef} className="card stack goal-form" onSubmit={submit} noValidate>
      {formError !== null && <Alert tone="error">{errorMessage(formError)}</Alert>}
      <TextField
        label={T.name}
        hint={T.nameHint}
        value={form.name}
        onChange={set('name')}
        errors={errors.name}
        maxLength={80}
        autoComplete="off"
      />
      <TextField
        label={T.emoji}
        hint={T.emojiHint}
        value={form.emoji}
        onChange={set('emoji')}
        errors={errors.emoji}
        maxLength={16}
        autoComplete="off"
        size="short"
      />
      <TextField
        label={T.target}
        hint={T.targetHint}
        value={form.target}
        onChange={set('target')}
        errors={errors.target}
        inputMode="decimal"
        autoComplete="off"
        suffix={currency}
        size="short"
      />
      <TextField
        label={T.deadlineLabel}
        hint={T.deadlineHint}
        value={form.deadline}
        onChange={set('deadline')}
        errors={errors.deadline}
        type="date"
        size="short"
      />
      <WhenReachedChoice
        value={form.whenReached}
        onChange={(whenReached) => setForm((current) => ({ ...current, whenReached }))}
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={saving}
          aria-busy={saving || undefined}
        >
          {goal ? (saving ? T.saving : T.save) : saving ? T.creating : T.create}
        </button>
        <Link to="/goals" className="button button-secondary">
          {text.cancel}
        </Link>
        {goal && (
          <button
            type="button"
            className="button button-danger-outline form-actions-end"
            onClick={() => setConfirmingDelete(true)}
          >
            {T.delete}
          </button>
        )}
      </div>
      {goal && (
        <ConfirmDialog
          open={confirmingDelete}
          title={T.deleteTitle}
          confirmLabel={deleting ? T.deleting : T.deleteConfirm}
          busy={deleting}
          onConfirm={remove}
          onCancel={() => setConfirmingDelete(false)}
        >
          <p>{T.deleteBody}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

/** `/goals/new` and `/goals/{id}`: create or change a goal. */
export default function GoalFormScreen({ goalId }: { goalId: string | null }) {
  const goals = useResource<ListPage<Goal>>('/api/goals');
  const goal = goals.state === 'ready' ? (goals.data.items.find((item) => item.id === goalId) ?? null) : null;
  const title = goalId === null ? T.newTitle : goal ? T.editTitle(goal.name) : T.title;
  return (
    <Page title={title}>
      <p className="back-link">
        <Link to="/goals">← {T.back}</Link>
      </p>
      <div className="form-layout">
        {goals.state === 'loading' && (
          <section className="card">
            <Skeleton lines={8} />
          </section>
        )}
        {goals.state === 'failed' && <LoadError error={goals.error} retry={goals.reload} />}
        {goals.state === 'ready' && goalId !== null && !goal && (
          <Alert tone="warning">{text.errors.notFoundBody}</Alert>
        )}
        {goals.state === 'ready' && (goalId === null || goal) && (
          <GoalEditor key={goal?.id ?? 'new'} goal={goal} others={goals.data.items} />
        )}
      </div>
    </Page>
  );
}
