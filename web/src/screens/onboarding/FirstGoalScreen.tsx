import { type FormEvent, useRef, useState } from 'react';
import { parseAmount } from '../../amountInput.ts';
import { ApiError } from '../../api/problem.ts';
import { apiRequest } from '../../api/session.ts';
import type { Goal } from '../../api/types.ts';
import { currencySign, localDateIn } from '../../format.ts';
import { navigate } from '../../router.ts';
import { useSaver } from '../../saver.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';
import { TextField } from '../../ui/Field.tsx';
import { Link } from '../../ui/Link.tsx';
import { Page } from '../../ui/Page.tsx';
import { StartSteps } from './GetStarted.tsx';

const EMOJIS = ['✈️', '🛟', '🚲', '🏠', '🎁', '🎓'] as const;
type FieldKey = 'name' | 'targetMinor' | 'deadline' | 'emoji';
type Errors = Partial<Record<FieldKey, string[]>>;

/** Step 3 of getting started: one goal to save for (POST /api/goals), then on to its rules. */
export function FirstGoalScreen() {
  const { currency, locale, timeZone } = useSaver();
  const [name, setName] = useState('');
  const [emoji, setEmoji] = useState<string>(EMOJIS[0]);
  const [target, setTarget] = useState('');
  const [deadline, setDeadline] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const targetRef = useRef<HTMLInputElement>(null);
  const deadlineRef = useRef<HTMLInputElement>(null);
  const today = localDateIn(timeZone);
  // Editing a field takes back its error: it no longer describes what is there.
  const edited =
    (key: FieldKey, set: (value: string) => void) =>
    (value: string): void => {
      set(value);
      setErrors((current) => (current[key] ? { ...current, [key]: undefined } : current));
      setFormError(null);
    };

  const focusFirst = (found: Errors) => {
    if (found.name?.length) nameRef.current?.focus();
    else if (found.targetMinor?.length) targetRef.current?.focus();
    else if (found.deadline?.length) deadlineRef.current?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (creating) return;
    const found: Errors = {};
    const trimmed = name.trim();
    if (trimmed === '') found.name = [text.start.goalNameRequired];
    else if (trimmed.length > 80) found.name = [text.start.goalNameTooLong];
    const amount = parseAmount(target, currency, locale);
    if (!amount.ok) found.targetMinor = [text.settingsEdit.amountProblems[amount.problem] ?? ''];
    else if (amount.minor <= 0) found.targetMinor = [text.start.goalTargetPositive];
    if (deadline !== '' && deadline <= today) found.deadline = [text.start.goalDeadlinePast];
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0 || !amount.ok) {
      setFormError(text.errors.fixFields);
      focusFirst(found);
      return;
    }
    setCreating(true);
    try {
      const goal = await apiRequest<Goal>('POST', '/api/goals', {
        body: {
          name: trimmed,
          emoji: emoji === '' ? null : emoji,
          targetMinor: amount.minor,
          currency,
          deadline: deadline === '' ? null : deadline,
        },
      });
      navigate(`/start/rules?goal=${encodeURIComponent(goal.id)}`);
    } catch (failure) {
      const fromServer: Errors = {};
      if (failure instanceof ApiError) {
        for (const key of ['name', 'targetMinor', 'deadline', 'emoji'] as const) {
          const messages = failure.fieldMessages(key);
          if (messages.length > 0) fromServer[key] = messages;
        }
      }
      setErrors(fromServer);
      setFormError(Object.keys(fromServer).length > 0 ? text.errors.fixFields : errorMessage(failure));
      focusFirst(fromServer);
      setCreating(false);
    }
  };

  return (
    <Page title={text.start.goalTitle} lead={text.start.goalLead} className="start-layout">
      <StartSteps step={3} compact />
      <form className="card stack" onSubmit={submit} noValidate>
        {formError && <Alert tone="error">{formError}</Alert>}
        <TextField
          label={text.start.goalName}
          name="name"
          spellCheck={false}
          value={name}
          onChange={edited('name', setName)}
          hint={text.start.goalNameHint}
          errors={errors.name ?? []}
          inputRef={nameRef}
          maxLength={80}
        />
        <fieldset className="choice-row">
          <legend>{text.start.goalEmoji}</legend>
          <div className="emoji-choices">
            {[...EMOJIS, ''].map((choice) => (
              <label key={choice || 'none'} className="emoji-choice">
                <input
                  type="radio"
                  name="emoji"
                  value={choice}
                  checked={emoji === choice}
                  onChange={() => setEmoji(choice)}
                />
                {choice ? (
                  <span>{choice}</span>
                ) : (
                  <span className="emoji-choice-text">{text.start.goalEmojiNone}</span>
                )}
              </label>
            ))}
          </div>
          {errors.emoji && (
            <ul className="field-errors">
              {errors.emoji.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </fieldset>
        <TextField
          label={text.start.goalTarget}
          name="targetMinor"
          value={target}
          onChange={edited('targetMinor', setTarget)}
          inputMode="decimal"
          spellCheck={false}
          suffix={currencySign(currency, locale)}
          hint={text.start.goalTargetHint}
          errors={errors.targetMinor ?? []}
          inputRef={targetRef}
        />
        <TextField
          label={text.start.goalDeadline}
          name="deadline"
          type="date"
          value={deadline}
          onChange={edited('deadline', setDeadline)}
          min={today}
          hint={text.start.goalDeadlineHint}
          errors={errors.deadline ?? []}
          inputRef={deadlineRef}
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={creating}>
            {creating ? text.start.goalCreating : text.start.goalCreate}
          </button>
          <Link to="/" className="button button-ghost">
            {text.start.skip}
          </Link>
        </div>
      </form>
    </Page>
  );
}
