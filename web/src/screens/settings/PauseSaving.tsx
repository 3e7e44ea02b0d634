import { useState } from 'react';
import { apiRequest } from '../../api/session.ts';
import type { SaverSettings } from '../../api/types.ts';
import { saverSettingsChanged } from '../../saverUpdates.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';

/** One button that stops (or restarts) every rule at once: PATCH /api/me {paused}. */
export function PauseSaving({ settings }: { settings: SaverSettings }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; message: string } | null>(null);
  const paused = settings.paused;

  const toggle = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      await apiRequest<SaverSettings>('PATCH', '/api/me', { body: { paused: !paused } });
      setOutcome({
        tone: 'success',
        message: paused ? text.settingsEdit.nowResumed : text.settingsEdit.nowPaused,
      });
      saverSettingsChanged();
    } catch (failure) {
      setOutcome({ tone: 'error', message: errorMessage(failure) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={`card${paused ? ' card-paused' : ''}`} aria-labelledby="pause-title">
      <div className="card-title-row">
        <h2 id="pause-title">{text.settingsEdit.pauseTitle}</h2>
        <span className={`pill ${paused ? 'pill-warning' : 'pill-success'}`}>
          {paused ? text.settings.paused : text.settings.active}
        </span>
      </div>
      <p>{paused ? text.settingsEdit.pausedBody : text.settingsEdit.activeBody}</p>
      <button
        type="button"
        className={paused ? 'button button-primary' : 'button button-secondary'}
        onClick={toggle}
        disabled={busy}
      >
        {paused
          ? busy
            ? text.settingsEdit.resuming
            : text.settingsEdit.resume
          : busy
            ? text.settingsEdit.pausing
            : text.settingsEdit.pause}
      </button>
      {outcome && <Alert tone={outcome.tone}>{outcome.message}</Alert>}
    </section>
  );
}
