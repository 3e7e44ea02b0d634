import { type FormEvent, useRef, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { apiRequest } from '../api/session.ts';
import type { Goal, Habit, ListPage, Rule, RuleType } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { localDateIn } from '../format.ts';
import { byPriority } from '../goals.ts';
import { navigate, useLocation } from '../router.ts';
import {
  emptyRuleForm,
  isRuleType,
  type PreviewContext,
  type RuleForm,
  type RuleFormErrors,
  ruleDraftOf,
  ruleFormOf,
  rulePreview,
  ruleTitle,
} from '../rules.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { TextField } from '../ui/Field.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { type Resource, useResource } from '../ui/useResource.ts';
import { BacktestPanel } from './rules/BacktestPanel.tsx';
import { CapsFields, GoalField, TypeFields } from './rules/RuleFields.tsx';

const T = text.rules;

/** API refusals name fields by JSON pointer (`/goalId`, `/roundToMinor`): shown beside the field. */
function apiFieldErrors(error: unknown): RuleFormErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: RuleFormErrors = {};
  const fields: Record<string, keyof RuleFormErrors> = {
    '/goalId': 'goalId',
    '/roundToMinor': 'roundToUnits',
    '/multiplier': 'multiplier',
    '/habitId': 'habitId',
    '/name': 'name',
  };
  for (const problem of error.fieldProblems) {
    const field = fields[problem.pointer];
    if (field && !errors[field]) errors[field] = problem.detail;
  }
  return errors;
}

function RuleEditor({
  rule,
  type,
  goals,
  habits,
}: {
  rule: Rule | null;
  type: RuleType;
  goals: Goal[];
  habits: Habit[];
}) {
  const { currency, locale, timeZone } = useSaver();
  const firstGoal = goals.find((goal) => goal.status === 'active');
  const [form, setForm] = useState<RuleForm>(() =>
    rule
      ? ruleFormOf(rule, currency, locale)
      : emptyRuleForm(type, {
          today: localDateIn(timeZone),
          ...(firstGoal ? { goalId: firstGoal.id } : {}),
          ...(habits[0] ? { habitId: habits[0].id } : {}),
        }),
  );
  const [errors, setErrors] = useState<RuleFormErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [pausing, setPausing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const set =
    <K extends keyof RuleForm>(field: K) =>
    (value: RuleForm[K]) =>
      setForm((current) => ({ ...current, [field]: value }));
  const context: PreviewContext = {
    currency,
    locale,
    goalName: (id) => goals.find((goal) => goal.id === id)?.name,
    habitName: (id) => habits.find((habit) => habit.id === id)?.name,
  };
  const focusFirstError = () =>
    requestAnimationFrame(() =>
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );
  const showErrors = () => {
    const checked = ruleDraftOf(form, currency, locale);
    setErrors(checked.ok ? {} : checked.errors);
    focusFirstError();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const checked = ruleDraftOf(form, currency, locale);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstError();
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      if (rule) {
        await apiRequest<Rule>('PATCH', `/api/rules/${encodeURIComponent(rule.id)}`, { body: checked.draft });
        showFlash({ tone: 'success', message: T.savedChanges, path: '/rules' });
      } else {
        await apiRequest<Rule>('POST', '/api/rules', { body: checked.draft });
        showFlash({ tone: 'success', message: T.created, path: '/rules' });
      }
      navigate('/rules');
    } catch (error) {
      setErrors(apiFieldErrors(error));
      setFormError(error);
      setSaving(false);
    }
  };

  const togglePause = async () => {
    if (!rule) return;
    setPausing(true);
    setFormError(null);
    try {
      const saved = await apiRequest<Rule>('PATCH', `/api/rules/${encodeURIComponent(rule.id)}`, {
        body: { paused: !form.paused },
      });
      setForm((current) => ({ ...current, paused: saved.paused }));
    } catch (error) {
      setFormError(error);
    } finally {
      setPausing(false);
    }
  };

  const remove = async () => {
    if (!rule) return;
    setDeleting(true);
    try {
      await apiRequest<void>('DELETE', `/api/rules/${encodeURIComponent(rule.id)}`);
      showFlash({ tone: 'success', message: T.deleted, path: '/rules' });
      navigate('/rules');
    } catch (error) {
      setFormError(error);
      setConfirmingDelete(false);
      setDeleting(false);
    }
  };

  const draftOf = () => {
    const checked = ruleDraftOf(form, currency, locale);
    return checked.ok ? checked.draft : null;
  };

  return (
    <div className="rule-editor">
      <form ref={formRef} className="card stack" onSubmit={submit} noValidate>
        {formError !== null && <Alert tone="error">{errorMessage(formError)}</Alert>}
        {rule && (
          <div className="rule-state">
            <span className={`pill ${form.paused ? 'pill-warning' : 'pill-success'}`}>
              {form.paused ? T.paused : T.on}
            </span>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={togglePause}
              disabled={pausing}
            >
              {form.paused ? T.resume : T.pause}
            </button>
          </div>
        )}
        <GoalField form={form} errors={errors} set={set} goals={goals} />
        <TypeFields form={form} errors={errors} set={set} habits={habits} />
        <CapsFields form={form} errors={errors} set={set} />
        <TextField
          label={T.nameLabel}
          hint={T.nameHint}
          value={form.name}
          onChange={set('name')}
          errors={errors.name}
          maxLength={80}
        />
        <section className="rule-preview" aria-labelledby="rule-preview-title">
          <h3 id="rule-preview-title">{T.previewTitle}</h3>
          <p className="rule-preview-text" data-testid="rule-preview">
            {rulePreview(form, context)}
          </p>
        </section>
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={saving}
            aria-busy={saving || undefined}
          >
            {rule ? (saving ? T.saving : T.save) : saving ? T.creating : T.create}
          </button>
          <Link to="/rules" className="button button-secondary">
            {text.cancel}
          </Link>
          {rule && (
            <button
              type="button"
              className="button button-danger-outline form-actions-end"
              onClick={() => setConfirmingDelete(true)}
            >
              {T.delete}
            </button>
          )}
        </div>
      </form>
      <BacktestPanel draftOf={draftOf} showErrors={showErrors} />
      {rule && (
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
    </div>
  );
}

/** The editor once the rule (if any), the goals and the habits are loaded. */
function EditorPage({
  title,
  type,
  rule,
}: {
  title: string;
  type: RuleType | null;
  rule: Resource<Rule> | null;
}) {
  const goals = useResource<ListPage<Goal>>('/api/goals');
  const habits = useResource<ListPage<Habit>>('/api/habits');
  const failed = [rule, goals, habits].find((resource) => resource?.state === 'failed');
  const loaded = rule?.state === 'ready' ? rule.data : null;
  return (
    <Page title={title} lead={type ? T.types[type]?.blurb : undefined}>
      <p className="back-link">
        <Link to="/rules">← {T.back}</Link>
      </p>
      {failed?.state === 'failed' ? (
        <LoadError error={failed.error} retry={failed.reload} />
      ) : goals.state !== 'ready' || habits.state !== 'ready' || type === null || (rule && !loaded) ? (
        <section className="card">
          <Skeleton lines={10} />
        </section>
      ) : (
        <RuleEditor
          key={loaded?.id ?? type}
          rule={loaded}
          type={type}
          goals={byPriority(goals.data.items)}
          habits={habits.data.items}
        />
      )}
    </Page>
  );
}

function NewRule() {
  const requested = useLocation().search.get('type');
  if (!isRuleType(requested)) {
    return (
      <Page title={T.title}>
        <Alert tone="warning">
          {T.unknownType} <Link to="/rules">{T.back}</Link>
        </Alert>
      </Page>
    );
  }
  return (
    <EditorPage title={T.newTitle(T.types[requested]?.name ?? requested)} type={requested} rule={null} />
  );
}

function ExistingRule({ ruleId }: { ruleId: string }) {
  const rule = useResource<Rule>(`/api/rules/${encodeURIComponent(ruleId)}`);
  const loaded = rule.state === 'ready' ? rule.data : null;
  return <EditorPage title={loaded ? ruleTitle(loaded) : T.title} type={loaded?.type ?? null} rule={rule} />;
}

/** `/rules/new?type=…` and `/rules/{id}`: one rule's editor, its preview in words and its backtest. */
export default function RuleEditorScreen({ ruleId }: { ruleId: string | null }) {
  return ruleId ? <ExistingRule ruleId={ruleId} /> : <NewRule />;
}
