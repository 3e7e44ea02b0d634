import { useId, useRef, useState } from 'react';
import type { Habit, NewHabit } from '../../api/types.ts';
import { copyText } from '../../clipboard.ts';
import { text } from '../../text.ts';

const T = text.habits.webhook;

function CopyField({
  label,
  buttonLabel,
  value,
  onCopied,
}: {
  label: string;
  buttonLabel: string;
  value: string;
  onCopied: (copied: boolean) => void;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const copy = async () => {
    const copied = await copyText(value);
    // Could not copy: leave the text selected so Ctrl+C or a long press does it.
    if (!copied) inputRef.current?.select();
    onCopied(copied);
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input
          ref={inputRef}
          id={id}
          type="text"
          value={value}
          readOnly
          spellCheck={false}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button button-secondary" onClick={copy} aria-label={buttonLabel}>
          {T.copy}
        </button>
      </div>
    </div>
  );
}

/** How other apps call the webhook; `secret` is the real one only right after creation. */
function Instructions({
  url,
  secret,
  heading: Heading,
}: {
  url: string;
  secret: string;
  heading: 'h3' | 'h4';
}) {
  const curl = `curl -X POST "${url}" -H "Authorization: Bearer ${secret}"`;
  return (
    <>
      <Heading>{T.howTitle}</Heading>
      <p>{T.how}</p>
      <details className="webhook-example">
        <summary>{T.shortcutsTitle}</summary>
        <ol>
          {T.shortcutsSteps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </details>
      <details className="webhook-example">
        <summary>{T.iftttTitle}</summary>
        <ol>
          {T.iftttSteps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </details>
      <details className="webhook-example">
        <summary>{T.curlTitle}</summary>
        <pre className="code-block">
          <code>{curl}</code>
        </pre>
      </details>
    </>
  );
}

/** A new habit's personal webhook: shown once, because only its hash is kept. */
export function WebhookPanel({ habit, onDone }: { habit: NewHabit; onDone: () => void }) {
  const [message, setMessage] = useState('');
  const { url, secret } = habit.webhook;
  const onCopied = (copied: boolean) => setMessage(copied ? T.copied : T.copyFailed);
  return (
    <section className="card webhook-panel" aria-labelledby="webhook-title">
      <h2 id="webhook-title">{T.title(habit.name)}</h2>
      <p>{T.lead}</p>
      <p className="alert alert-warning">{T.once}</p>
      <CopyField label={T.url} buttonLabel={T.copyUrlLabel} value={url} onCopied={onCopied} />
      <CopyField label={T.secret} buttonLabel={T.copySecretLabel} value={secret} onCopied={onCopied} />
      <p className="copy-status" role="status">
        {message}
      </p>
      <Instructions url={url} secret={secret} heading="h3" />
      <button type="button" className="button button-ghost" onClick={onDone}>
        {T.hide}
      </button>
    </section>
  );
}

/**
 * Any habit's webhook address, inside its card: GET /api/habits gives the address again, never the
 * secret, so the instructions say where the secret goes and that it was shown once.
 */
export function HabitWebhook({ habit }: { habit: Habit }) {
  const [message, setMessage] = useState('');
  const onCopied = (copied: boolean) => setMessage(copied ? T.copied : T.copyFailed);
  return (
    <details className="webhook-example habit-webhook">
      <summary>{T.show}</summary>
      <div className="stack webhook-panel">
        <p>{T.lead}</p>
        <CopyField
          label={T.url}
          buttonLabel={T.copyUrlFor(habit.name)}
          value={habit.webhookUrl}
          onCopied={onCopied}
        />
        <p className="copy-status" role="status">
          {message}
        </p>
        <p className="muted">{T.shownOnce}</p>
        <Instructions url={habit.webhookUrl} secret={T.secretPlaceholder} heading="h4" />
      </div>
    </details>
  );
}
