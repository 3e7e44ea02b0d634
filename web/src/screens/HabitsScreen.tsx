import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { apiRequest } from '../api/session.ts';
import type { Habit, ListPage, NewHabit } from '../api/types.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { TextField } from '../ui/Field.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { Piggy } from '../ui/Piggy.tsx';
import { useResource } from '../ui/useResource.ts';
import { HabitWebhook, WebhookPanel } from './habits/WebhookPanel.tsx';

const T = text.habits;

function HabitCard({ habit, onLogged }: { habit: Habit; onLogged: (habit: Habit) => void }) {
  const [logging, setLogging] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const log = async () => {
    setLogging(true);
    setError(null);
    try {
      const { habit: updated } = await apiRequest<{ habit: Habit }>(
        'POST',
        `/api/habits/${encodeURIComponent(habit.id)}/log`,
        { body: {} },
      );
      onLogged(updated);
    } catch (failure) {
      setError(failure);
    } finally {
      setLogging(false);
    }
  };
  const titleId = `habit-${habit.id}-title`;
  return (
    <li className="habit-card" aria-labelledby={titleId}>
      <div className="habit-head">
        <span className="habit-emoji" aria-hidden="true">
          {habit.emoji ?? '⭐'}
        </span>
        <h3 id={titleId}>{habit.name}</h3>
      </div>
      <p className={`habit-streak${habit.streakDays > 0 ? ' habit-streak-on' : ''}`}>
        {habit.streakDays > 0 && <span aria-hidden="true">🔥 </span>}
        {T.streak(habit.streakDays)}
      </p>
      <p className="muted habit-today">{T.loggedToday(habit.loggedToday)}</p>
      <button
        type="button"
        className="button button-primary button-large button-block habit-button"
        onClick={log}
        disabled={logging}
        aria-busy={logging || undefined}
        aria-label={T.didItLabel(habit.name)}
      >
        {logging ? T.logging : T.didIt}
      </button>
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      <HabitWebhook habit={habit} />
    </li>
  );
}

function NewHabitForm({ onCreated }: { onCreated: (habit: NewHabit) => void }) {
  const [name, setName] = useState('');
  const [emoji, setEmoji] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [formError, setFormError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    if (name.trim() === '') {
      setNameError(T.nameRequired);
      return;
    }
    setNameError(undefined);
    setSaving(true);
    try {
      const created = await apiRequest<NewHabit>('POST', '/api/habits', {
        body: { name: name.trim(), emoji: emoji.trim() === '' ? null : emoji.trim() },
      });
      setName('');
      setEmoji('');
      onCreated(created);
    } catch (error) {
      if (error instanceof ApiError) setNameError(error.fieldMessages('name')[0]);
      setFormError(error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="card" aria-labelledby="new-habit-title">
      <h2 id="new-habit-title">{T.newTitle}</h2>
      <form className="habit-form" onSubmit={submit} noValidate>
        {formError !== null && <Alert tone="error">{errorMessage(formError)}</Alert>}
        <TextField
          label={T.name}
          hint={T.nameHint}
          value={name}
          onChange={setName}
          errors={nameError}
          maxLength={60}
        />
        <TextField label={T.emoji} value={emoji} onChange={setEmoji} maxLength={16} size="tiny" />
        <button
          type="submit"
          className="button button-primary"
          disabled={saving}
          aria-busy={saving || undefined}
        >
          {saving ? T.creating : T.create}
        </button>
      </form>
    </section>
  );
}

/** `/habits`: one big "I did it" button per habit, streaks, and a personal webhook for other apps. */
export default function HabitsScreen() {
  const habits = useResource<ListPage<Habit>>('/api/habits');
  // Logged and new habits show at once; the list is read again behind them.
  const [updates, setUpdates] = useState<Record<string, Habit>>({});
  const [announcement, setAnnouncement] = useState('');
  const [created, setCreated] = useState<NewHabit | null>(null);
  const fresh = habits.state === 'ready' ? habits.data : null;
  useEffect(() => {
    if (fresh) setUpdates({});
  }, [fresh]);
  const items = habits.state === 'ready' ? habits.data.items.map((habit) => updates[habit.id] ?? habit) : [];

  const logged = (habit: Habit) => {
    setUpdates((current) => ({ ...current, [habit.id]: habit }));
    setAnnouncement(T.logged(habit.name, habit.streakDays));
  };
  const onCreated = (habit: NewHabit) => {
    setCreated(habit);
    setAnnouncement(T.created(habit.name));
    habits.reload();
  };

  return (
    <Page title={T.title} lead={T.lead}>
      <div className="habits-layout">
        <section className="stack" aria-labelledby="habit-list-title">
          <h2 id="habit-list-title">{T.listTitle}</h2>
          <p className="visually-hidden" role="status">
            {announcement}
          </p>
          {habits.state === 'loading' && (
            <div className="card">
              <Skeleton lines={4} />
            </div>
          )}
          {habits.state === 'failed' && <LoadError error={habits.error} retry={habits.reload} />}
          {habits.state === 'ready' && items.length === 0 && (
            <div className="card empty-state">
              <Piggy size={56} className="empty-state-pig" />
              <p className="empty-state-title">{T.empty}</p>
            </div>
          )}
          {items.length > 0 && (
            <ul className="habit-cards">
              {items.map((habit) => (
                <HabitCard key={habit.id} habit={habit} onLogged={logged} />
              ))}
            </ul>
          )}
          {items.length > 0 && (
            <p className="muted">
              {T.ruleHint} <Link to="/rules/new?type=habit">{T.ruleLink}</Link>
            </p>
          )}
        </section>
        <div className="stack">
          {created && <WebhookPanel habit={created} onDone={() => setCreated(null)} />}
          <NewHabitForm onCreated={onCreated} />
        </div>
      </div>
    </Page>
  );
}
