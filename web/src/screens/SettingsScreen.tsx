import { useState } from 'react';
import { apiRequest, logOut } from '../api/session.ts';
import type { BankConnection } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { BankSummary } from '../ui/BankSummary.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { useResource } from '../ui/useResource.ts';
import { ConsentRenewal } from './settings/ConsentRenewal.tsx';
import { DeleteAccount } from './settings/DeleteAccount.tsx';
import { ExportData } from './settings/ExportData.tsx';
import { LogOutEverywhere } from './settings/LogOutEverywhere.tsx';
import { PauseSaving } from './settings/PauseSaving.tsx';
import { SavingSettingsForm } from './settings/SavingSettingsForm.tsx';

function BankConnectionSettings({ bank, reload }: { bank: BankConnection; reload: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [unlinking, setUnlinking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const unlink = async () => {
    setUnlinking(true);
    setError(null);
    try {
      await apiRequest('DELETE', '/api/bank');
      setConfirming(false);
      showFlash({ tone: 'success', message: text.bank.unlinked, path: '/settings' });
      reload();
    } catch (failure) {
      setError(failure);
      setConfirming(false);
    } finally {
      setUnlinking(false);
    }
  };

  if (bank.status === 'unlinked') {
    return (
      <section className="card" aria-labelledby="bank-connection-title">
        <div className="card-title-row">
          <h2 id="bank-connection-title">{text.settings.bankTitle}</h2>
          <span className="pill pill-neutral">{text.bank.status.unlinked}</span>
        </div>
        <Link to="/bank" className="button button-primary">
          {text.bank.linkButton}
        </Link>
      </section>
    );
  }
  return (
    <>
      <BankSummary bank={bank} />
      <ConsentRenewal bank={bank} />
      <section className="card danger-zone" aria-labelledby="unlink-title">
        <h2 id="unlink-title">{text.bank.unlink}</h2>
        <p className="muted">{text.bank.unlinkBody}</p>
        {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
        <button type="button" className="button button-danger-outline" onClick={() => setConfirming(true)}>
          {text.bank.unlink}
        </button>
      </section>
      <ConfirmDialog
        open={confirming}
        title={text.bank.unlinkTitle}
        confirmLabel={unlinking ? text.bank.unlinking : text.bank.unlinkConfirm}
        busy={unlinking}
        onConfirm={unlink}
        onCancel={() => setConfirming(false)}
      >
        <p>{text.bank.unlinkBody}</p>
      </ConfirmDialog>
    </>
  );
}

function AccountSettings() {
  const saver = useSaver();
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const leave = async () => {
    setLeaving(true);
    setError(null);
    try {
      await logOut();
    } catch (failure) {
      setError(failure);
      setLeaving(false);
    }
  };
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">{text.settings.accountTitle}</h2>
      <p>{text.home.signedInAs(saver.email)}</p>
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      <button type="button" className="button button-secondary" onClick={leave} disabled={leaving}>
        {leaving ? text.nav.loggingOut : text.nav.logOut}
      </button>
    </section>
  );
}

export function SettingsScreen() {
  const saver = useSaver();
  const bank = useResource<BankConnection>('/api/bank');
  return (
    <Page title={text.settings.title}>
      <div className="settings-grid">
        <div className="stack-large">
          <SavingSettingsForm settings={saver} />
          <PauseSaving settings={saver} />
        </div>
        <div className="stack-large">
          {bank.state === 'loading' && (
            <section className="card">
              <Skeleton lines={4} />
            </section>
          )}
          {bank.state === 'failed' && <LoadError error={bank.error} retry={bank.reload} />}
          {bank.state === 'ready' && <BankConnectionSettings bank={bank.data} reload={bank.reload} />}
          <ExportData />
          <AccountSettings />
          <LogOutEverywhere />
          <DeleteAccount />
        </div>
      </div>
    </Page>
  );
}
