import { type FormEvent, useMemo, useRef, useState } from 'react';
import { minorToInput, parseAmount } from '../../amountInput.ts';
import { ApiError } from '../../api/problem.ts';
import { apiRequest } from '../../api/session.ts';
import type { SaverSettings } from '../../api/types.ts';
import { currencySign } from '../../format.ts';
import { saverSettingsChanged } from '../../saverUpdates.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';
import { TextField } from '../../ui/Field.tsx';

type AmountKey = 'balanceFloorMinor' | 'monthlyBudgetMinor' | 'minimumTransferMinor';
type FieldKey = AmountKey | 'timeZone';
type Errors = Partial<Record<FieldKey, string[]>>;
const FIELDS: FieldKey[] = ['balanceFloorMinor', 'monthlyBudgetMinor', 'minimumTransferMinor', 'timeZone'];

/** Every IANA zone the browser knows, the saver's own included even if this browser lacks it. */
function timeZoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones].sort();
}

function formValues(settings: SaverSettings) {
  const { currency, locale } = settings;
  return {
    balanceFloorMinor: minorToInput(settings.balanceFloorMinor, currency, locale),
    monthlyBudgetMinor:
      settings.monthlyBudgetMinor === null ? '' : minorToInput(settings.monthlyBudgetMinor, currency, locale),
    minimumTransferMinor: minorToInput(settings.minimumTransferMinor, currency, locale),
    timeZone: settings.timeZone,
  };
}

/** Balance floor, monthly limit, minimum transfer and time zone, saved together with PATCH /api/me. */
export function SavingSettingsForm({ settings }: { settings: SaverSettings }) {
  const { currency, locale } = settings;
  const [values, setValues] = useState(() => formValues(settings));
  const [errors, setErrors] = useState<Errors>({});
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'info' | 'error'; message: string } | null>(
    null,
  );
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<FieldKey, HTMLInputElement | HTMLSelectElement | null>>>({});
  const zones = useMemo(() => timeZoneOptions(settings.timeZone), [settings.timeZone]);
  const sign = currencySign(currency, locale);

  const set = (key: FieldKey) => (value: string) => {
    setValues((current) => ({ ...current, [key]: value }));
    // Editing a field takes back its error: it no longer describes what is there.
    setErrors((current) => (current[key] ? { ...current, [key]: undefined } : current));
    setOutcome(null);
  };
  const focusFirst = (found: Errors) => {
    const first = FIELDS.find((key) => (found[key]?.length ?? 0) > 0);
    if (first) inputs.current[first]?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const found: Errors = {};
    const patch: Partial<Record<FieldKey, number | string | null>> = {};
    for (const key of ['balanceFloorMinor', 'minimumTransferMinor', 'monthlyBudgetMinor'] as const) {
      const raw = values[key];
      if (key === 'monthlyBudgetMinor' && raw.trim() === '') {
        if (settings.monthlyBudgetMinor !== null) patch[key] = null;
        continue;
      }
      const parsed = parseAmount(raw, currency, locale);
      if (!parsed.ok) found[key] = [text.settingsEdit.amountProblems[parsed.problem] ?? ''];
      else if (parsed.minor !== settings[key]) patch[key] = parsed.minor;
    }
    if (values.timeZone !== settings.timeZone) patch.timeZone = values.timeZone;
    setErrors(found);
    setOutcome(null);
    if (Object.keys(found).length > 0) {
      setOutcome({ tone: 'error', message: text.errors.fixFields });
      focusFirst(found);
      return;
    }
    if (Object.keys(patch).length === 0) {
      setOutcome({ tone: 'info', message: text.settingsEdit.noChanges });
      return;
    }
    setSaving(true);
    try {
      const saved = await apiRequest<SaverSettings>('PATCH', '/api/me', { body: patch });
      setValues(formValues(saved));
      setOutcome({ tone: 'success', message: text.settingsEdit.saved });
      saverSettingsChanged();
    } catch (failure) {
      const fromServer: Errors = {};
      if (failure instanceof ApiError) {
        for (const key of FIELDS) {
          const messages = failure.fieldMessages(key);
          if (messages.length > 0) fromServer[key] = messages;
        }
      }
      const hasFieldErrors = Object.keys(fromServer).length > 0;
      setErrors(fromServer);
      setOutcome({ tone: 'error', message: hasFieldErrors ? text.errors.fixFields : errorMessage(failure) });
      focusFirst(fromServer);
    } finally {
      setSaving(false);
    }
  };

  const amountField = (key: AmountKey, label: string, hint: string) => (
    <TextField
      label={label}
      name={key}
      value={values[key]}
      onChange={set(key)}
      inputMode="decimal"
      spellCheck={false}
      suffix={sign}
      hint={hint}
      errors={errors[key] ?? []}
      inputRef={(element) => {
        inputs.current[key] = element;
      }}
    />
  );

  const zoneErrors = errors.timeZone ?? [];
  return (
    <section className="card" aria-labelledby="saving-form-title">
      <h2 id="saving-form-title">{text.settingsEdit.formTitle}</h2>
      <p className="muted">{text.settingsEdit.formLead}</p>
      <form className="stack" onSubmit={submit} noValidate>
        {amountField('balanceFloorMinor', text.settingsEdit.balanceFloor, text.settingsEdit.balanceFloorHint)}
        {amountField(
          'monthlyBudgetMinor',
          text.settingsEdit.monthlyBudget,
          text.settingsEdit.monthlyBudgetHint,
        )}
        {amountField(
          'minimumTransferMinor',
          text.settingsEdit.minimumTransfer,
          text.settingsEdit.minimumTransferHint,
        )}
        <div className={`field${zoneErrors.length > 0 ? ' field-invalid' : ''}`}>
          <label htmlFor="settings-time-zone">{text.settingsEdit.timeZone}</label>
          <select
            id="settings-time-zone"
            name="timeZone"
            className="select"
            value={values.timeZone}
            onChange={(event) => set('timeZone')(event.target.value)}
            aria-invalid={zoneErrors.length > 0 ? true : undefined}
            aria-describedby={`${zoneErrors.length > 0 ? 'settings-time-zone-error ' : ''}settings-time-zone-hint`}
            ref={(element) => {
              inputs.current.timeZone = element;
            }}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
          {zoneErrors.length > 0 && (
            <ul className="field-errors" id="settings-time-zone-error">
              {zoneErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
          <p className="field-hint" id="settings-time-zone-hint">
            {text.settingsEdit.timeZoneHint}
          </p>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? text.settingsEdit.saving : text.settingsEdit.save}
          </button>
        </div>
        {/* Under the button, so the message never moves what the saver is about to press. */}
        {outcome && <Alert tone={outcome.tone}>{outcome.message}</Alert>}
      </form>
    </section>
  );
}
