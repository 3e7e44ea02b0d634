import type { BankConnection } from '../../api/types.ts';
import { formatDate } from '../../format.ts';
import { useSaver } from '../../saver.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';
import { useConnectBank } from '../../ui/useConnectBank.ts';

const DAY_MS = 86_400_000;

/**
 * How long Sparegris may still read the accounts, and renewing it before it lapses: the same
 * redirect to Nordea as linking (an expired consent is renewed from the bank summary instead).
 */
export function ConsentRenewal({ bank }: { bank: BankConnection }) {
  const { locale, timeZone } = useSaver();
  const { connect, opening, error } = useConnectBank();
  if (bank.status !== 'linked' || !bank.consentExpiresAt) return null;
  const daysLeft = Math.floor((Date.parse(bank.consentExpiresAt) - Date.now()) / DAY_MS);
  return (
    <section className="card" aria-labelledby="consent-title">
      <h2 id="consent-title">{text.settingsEdit.consentTitle}</h2>
      <p>
        {text.settingsEdit.consentUntil(formatDate(bank.consentExpiresAt, locale, timeZone))}{' '}
        {text.settingsEdit.consentDaysLeft(daysLeft)}
      </p>
      <p className="muted">{text.settingsEdit.consentHint}</p>
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      <button type="button" className="button button-secondary" onClick={connect} disabled={opening}>
        {opening ? text.bank.opening : text.settingsEdit.renew}
      </button>
    </section>
  );
}
