import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { apiRequest } from '../api/session.ts';
import type { BankAccount, BankConnection, Goal, ListPage } from '../api/types.ts';
import { showFlash } from '../flash.ts';
import { formatAccountNumber } from '../format.ts';
import { navigate } from '../router.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { Link } from '../ui/Link.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Money } from '../ui/Money.tsx';
import { Page } from '../ui/Page.tsx';
import { useResource } from '../ui/useResource.ts';

type Choice = 'sourceAccountId' | 'savingsAccountId';

function AccountChoice({
  name,
  legend,
  hint,
  accounts,
  selected,
  onSelect,
  errors,
}: {
  name: Choice;
  legend: string;
  hint: string;
  accounts: readonly BankAccount[];
  selected: string | null;
  onSelect: (id: string) => void;
  errors: readonly string[];
}) {
  const { locale } = useSaver();
  const id = useId();
  return (
    <fieldset
      className={`account-choice${errors.length > 0 ? ' field-invalid' : ''}`}
      aria-describedby={`${errors.length > 0 ? `${id}-error ` : ''}${id}-hint`}
    >
      <legend>{legend}</legend>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {errors.length > 0 && (
        <ul className="field-errors" id={`${id}-error`}>
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <div className="radio-cards">
        {accounts.map((account) => (
          <label key={account.id} className="radio-card">
            <input
              type="radio"
              name={name}
              value={account.id}
              checked={selected === account.id}
              onChange={() => onSelect(account.id)}
            />
            <span className="radio-card-body">
              <span className="account-name">{account.name}</span>
              <span className="account-number">{formatAccountNumber(account.number)}</span>
              <span className="account-type">{text.bank.accountTypes[account.type]}</span>
            </span>
            <span className="radio-card-amount">
              <Money minor={account.availableMinor} currency={account.currency} locale={locale} />
              <span className="account-balance-label">{text.bank.available}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function AccountsForm({ bank }: { bank: BankConnection }) {
  const [source, setSource] = useState(bank.sourceAccountId);
  const [savings, setSavings] = useState(bank.savingsAccountId);
  const [errors, setErrors] = useState<Record<Choice, string[]>>({
    sourceAccountId: [],
    savingsAccountId: [],
  });
  const [formError, setFormError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<Choice, string[]> = {
      sourceAccountId: source ? [] : [text.bank.pickOne],
      savingsAccountId: !savings ? [text.bank.pickOne] : savings === source ? [text.bank.sameAccount] : [],
    };
    setErrors(local);
    setFormError(null);
    if (!source || !savings || local.savingsAccountId.length > 0) return;
    setSaving(true);
    try {
      await apiRequest<BankConnection>('PUT', '/api/bank/accounts', {
        body: { sourceAccountId: source, savingsAccountId: savings },
      });
      // A saver with no goal yet carries on getting started: their first goal, then its rules.
      const goals = await apiRequest<ListPage<Goal>>('GET', '/api/goals').catch(() => null);
      const next = goals !== null && goals.items.length === 0 ? '/start/goal' : '/';
      showFlash({ tone: 'success', message: text.bank.saved, path: next });
      navigate(next);
    } catch (error) {
      if (error instanceof ApiError && error.fieldProblems.length > 0) {
        setErrors({
          sourceAccountId: error.fieldMessages('sourceAccountId'),
          savingsAccountId: error.fieldMessages('savingsAccountId'),
        });
      }
      setFormError(error);
      setSaving(false);
    }
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate>
      {formError !== null && <Alert tone="error">{errorMessage(formError)}</Alert>}
      <AccountChoice
        name="sourceAccountId"
        legend={text.bank.sourceLegend}
        hint={text.bank.sourceHint}
        accounts={bank.accounts}
        selected={source}
        onSelect={setSource}
        errors={errors.sourceAccountId}
      />
      <AccountChoice
        name="savingsAccountId"
        legend={text.bank.savingsLegend}
        hint={text.bank.savingsHint}
        accounts={bank.accounts}
        selected={savings}
        onSelect={setSavings}
        errors={errors.savingsAccountId}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? text.bank.saving : text.bank.save}
        </button>
      </div>
    </form>
  );
}

export function ChooseAccountsScreen() {
  const bank = useResource<BankConnection>('/api/bank');
  return (
    <Page title={text.bank.chooseTitle} lead={text.bank.chooseLead}>
      {bank.state === 'loading' && (
        <section className="card">
          <Skeleton lines={6} />
        </section>
      )}
      {bank.state === 'failed' && <LoadError error={bank.error} retry={bank.reload} />}
      {bank.state === 'ready' &&
        (bank.data.status === 'unlinked' || bank.data.status === 'revoked' ? (
          <Alert tone="info">
            {text.bank.unlinkedChoose} <Link to="/bank">{text.bank.linkButton}</Link>
          </Alert>
        ) : bank.data.accounts.length < 2 ? (
          <Alert tone="warning">{text.bank.noAccounts}</Alert>
        ) : (
          <AccountsForm bank={bank.data} />
        ))}
    </Page>
  );
}
