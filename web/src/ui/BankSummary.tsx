import type { ReactNode } from 'react';
import type { BankAccount, BankConnection } from '../api/types.ts';
import { formatAccountNumber, formatDate } from '../format.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from './Alert.tsx';
import { Link } from './Link.tsx';
import { Money } from './Money.tsx';
import { useConnectBank } from './useConnectBank.ts';

export function AccountTile({ kind, account }: { kind: 'source' | 'savings'; account: BankAccount }) {
  const { locale } = useSaver();
  return (
    <div className={`account-tile account-tile-${kind}`}>
      <p className="account-role">{kind === 'source' ? text.bank.spending : text.bank.savings}</p>
      <p className="account-name">{account.name}</p>
      <p className="account-number">{formatAccountNumber(account.number)}</p>
      <p className="account-balance">
        <span className="visually-hidden">{text.bank.available}: </span>
        <Money minor={account.availableMinor} currency={account.currency} locale={locale} />
      </p>
      <p className="account-balance-label" aria-hidden="true">
        {text.bank.available}
      </p>
    </div>
  );
}

export const statusPillTone: Record<BankConnection['status'], string> = {
  linked: 'pill-success',
  'needs-consent': 'pill-warning',
  revoked: 'pill-warning',
  unlinked: 'pill-neutral',
};

/** The linked bank at a glance: the two chosen accounts, their balances and how long access lasts. */
export function BankSummary({
  bank,
  headingLevel = 2,
  children,
}: {
  bank: BankConnection;
  headingLevel?: 2 | 3;
  /** Shown under the accounts (home puts "Sync now" there). */
  children?: ReactNode;
}) {
  const { locale, timeZone } = useSaver();
  const { connect, opening, error } = useConnectBank();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const source = bank.accounts.find((account) => account.id === bank.sourceAccountId);
  const savings = bank.accounts.find((account) => account.id === bank.savingsAccountId);

  return (
    <section className="card bank-card" aria-labelledby="bank-summary-title">
      <div className="card-title-row">
        <Heading id="bank-summary-title">{text.home.bankTitle}</Heading>
        <span className={`pill ${statusPillTone[bank.status]}`}>{text.bank.status[bank.status]}</span>
      </div>
      {bank.status === 'needs-consent' && <Alert tone="warning">{text.bank.needsConsent}</Alert>}
      {bank.status === 'revoked' && <Alert tone="warning">{text.bank.revoked}</Alert>}
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      {bank.status !== 'revoked' && source && savings ? (
        <div className="account-tiles">
          <AccountTile kind="source" account={source} />
          <span className="account-arrow" aria-hidden="true">
            →
          </span>
          <AccountTile kind="savings" account={savings} />
        </div>
      ) : (
        bank.status === 'linked' && (
          <p>
            {text.bank.notChosen} <Link to="/bank/accounts">{text.bank.chooseAccountsLink}</Link>
          </p>
        )
      )}
      {children}
      <div className="card-footer">
        {bank.consentExpiresAt && bank.status === 'linked' && (
          <p className="muted">
            {text.bank.consentUntil(formatDate(bank.consentExpiresAt, locale, timeZone))}
          </p>
        )}
        {bank.status === 'linked' && source && savings && (
          <Link to="/bank/accounts" className="button button-secondary button-small">
            {text.bank.changeAccountsLink}
          </Link>
        )}
        {(bank.status === 'needs-consent' || bank.status === 'revoked') && (
          <button type="button" className="button button-primary" onClick={connect} disabled={opening}>
            {opening
              ? text.bank.opening
              : bank.status === 'revoked'
                ? text.bank.linkAgainButton
                : text.bank.renewButton}
          </button>
        )}
      </div>
    </section>
  );
}
