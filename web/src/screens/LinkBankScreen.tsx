import type { BankConnection } from '../api/types.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { BankSummary } from '../ui/BankSummary.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { useConnectBank } from '../ui/useConnectBank.ts';
import { useResource } from '../ui/useResource.ts';

function LinkExplainer({ status }: { status: BankConnection['status'] }) {
  const { connect, opening, error } = useConnectBank();
  const label = status === 'unlinked' ? text.bank.linkButton : text.bank.linkAgainButton;
  return (
    <div className="link-layout">
      <section className="card link-card" aria-labelledby="what-linking-does">
        <h2 id="what-linking-does">{text.bank.whatHappensTitle}</h2>
        <ul className="check-list">
          {text.bank.whatHappens.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
        <button
          type="button"
          className="button button-primary button-large"
          onClick={connect}
          disabled={opening}
        >
          {opening ? text.bank.opening : label}
        </button>
      </section>
      <section className="card next-steps" aria-labelledby="what-happens-next">
        <h2 id="what-happens-next">{text.bank.nextTitle}</h2>
        <ol className="steps">
          {text.bank.nextSteps.map((step, index) => (
            <li key={step}>
              <span className="step-number" aria-hidden="true">
                {index + 1}
              </span>
              <span>{step}</span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

export function LinkBankScreen() {
  const bank = useResource<BankConnection>('/api/bank');
  return (
    <Page title={text.bank.linkTitle} lead={text.bank.linkLead}>
      {bank.state === 'loading' && (
        <section className="card">
          <Skeleton lines={5} />
        </section>
      )}
      {bank.state === 'failed' && <LoadError error={bank.error} retry={bank.reload} />}
      {bank.state === 'ready' &&
        (bank.data.status === 'linked' ? (
          <BankSummary bank={bank.data} />
        ) : (
          <LinkExplainer status={bank.data.status} />
        ))}
    </Page>
  );
}
