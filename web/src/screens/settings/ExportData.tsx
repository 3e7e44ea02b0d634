import { useState } from 'react';
import { apiRequest } from '../../api/session.ts';
import { localDateIn } from '../../format.ts';
import { useSaver } from '../../saver.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';

/**
 * GET /api/me/export needs the bearer token, so a plain link cannot fetch it: the app fetches the
 * JSON and hands it to the browser as a file download.
 */
export function ExportData() {
  const { timeZone } = useSaver();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; message: string } | null>(null);

  const download = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const data = await apiRequest<unknown>('GET', '/api/me/export');
      const file = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
      const url = URL.createObjectURL(file);
      const link = document.createElement('a');
      link.href = url;
      link.download = `sparegris-export-${localDateIn(timeZone)}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      // Revoked later: some browsers read the URL only after click() returns.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setOutcome({ tone: 'success', message: text.settingsEdit.downloaded });
    } catch (failure) {
      setOutcome({ tone: 'error', message: errorMessage(failure) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">{text.settingsEdit.dataTitle}</h2>
      <p className="muted">{text.settingsEdit.dataBody}</p>
      <button type="button" className="button button-secondary" onClick={download} disabled={busy}>
        {busy ? text.settingsEdit.downloading : text.settingsEdit.download}
      </button>
      {outcome && <Alert tone={outcome.tone}>{outcome.message}</Alert>}
    </section>
  );
}
