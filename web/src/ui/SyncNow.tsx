import { useState } from 'react';
import { type SyncResult, syncResult } from '../activity.ts';
import { apiRequest } from '../api/session.ts';
import type { SyncSummary } from '../api/types.ts';
import { refreshNotifications } from '../notifications.ts';
import { errorMessage, text } from '../text.ts';
import { Link } from './Link.tsx';
import { useConnectBank } from './useConnectBank.ts';

type Outcome = { kind: 'done'; result: SyncResult } | { kind: 'failed'; error: unknown };

/**
 * "Sync now": reads the bank with the saver present, then says what came of it in a live region
 * (present from the start, so screen readers announce the change) and lets the page refresh.
 */
export function SyncNow({ onSynced }: { onSynced: () => void }) {
  const [syncing, setSyncing] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { connect, opening, error: connectError } = useConnectBank();

  const sync = async () => {
    setSyncing(true);
    setOutcome(null);
    try {
      const summary = await apiRequest<SyncSummary>('POST', '/api/bank/sync');
      setOutcome({ kind: 'done', result: syncResult(summary) });
      onSynced();
      void refreshNotifications();
    } catch (error) {
      setOutcome({ kind: 'failed', error });
    } finally {
      setSyncing(false);
    }
  };

  const tone = outcome?.kind === 'failed' ? 'error' : (outcome?.result.tone ?? 'info');
  return (
    <div className="sync-now">
      <div className="sync-now-row">
        <button
          type="button"
          className="button button-primary"
          onClick={sync}
          disabled={syncing}
          aria-busy={syncing || undefined}
        >
          {syncing && <span className="spinner" aria-hidden="true" />}
          {syncing ? text.sync.syncing : text.sync.button}
        </button>
        <p className="muted sync-hint">{text.sync.hint}</p>
      </div>
      <div
        className={outcome ? `sync-result alert alert-${tone}` : 'sync-result'}
        role="status"
        aria-live="polite"
      >
        {outcome?.kind === 'failed' && <p>{errorMessage(outcome.error)}</p>}
        {outcome?.kind === 'done' && (
          <>
            <p>{outcome.result.message}</p>
            {outcome.result.action === 'see-activity' && <Link to="/activity">{text.sync.seeActivity}</Link>}
            {outcome.result.action === 'choose-accounts' && (
              <Link to="/bank/accounts">{text.bank.chooseAccountsLink}</Link>
            )}
            {outcome.result.action === 'reconnect' && (
              <button
                type="button"
                className="button button-primary button-small"
                onClick={connect}
                disabled={opening}
              >
                {opening ? text.bank.opening : text.bank.renewButton}
              </button>
            )}
            {connectError !== null && <p>{errorMessage(connectError)}</p>}
          </>
        )}
      </div>
    </div>
  );
}
