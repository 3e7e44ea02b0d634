import { type ReactNode, type Ref, useId } from 'react';

/**
 * A labelled input for the settings and onboarding forms: hint and errors are read out with it
 * (aria-describedby), and amounts get a decimal keypad on phones and their currency beside them.
 */
export function InputField({
  label,
  name,
  value,
  onChange,
  type = 'text',
  inputMode,
  autoComplete = 'off',
  errors = [],
  hint,
  suffix,
  inputRef,
  min,
  maxLength,
}: {
  label: ReactNode;
  name: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'date' | 'email';
  inputMode?: 'decimal' | 'text' | 'email';
  autoComplete?: string;
  errors?: readonly string[];
  hint?: string | undefined;
  /** Shown after the input (`kr.`); hidden from screen readers, as the label or hint says the unit. */
  suffix?: string;
  inputRef?: Ref<HTMLInputElement>;
  min?: string;
  maxLength?: number;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [errors.length > 0 ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${errors.length > 0 ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className={`input-row${suffix ? ' input-with-suffix' : ''}`}>
        <input
          id={id}
          ref={inputRef}
          name={name}
          type={type}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          autoComplete={autoComplete}
          spellCheck={false}
          {...(inputMode ? { inputMode } : {})}
          {...(min ? { min } : {})}
          {...(maxLength ? { maxLength } : {})}
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
        {suffix && (
          <span className="input-suffix" aria-hidden="true">
            {suffix}
          </span>
        )}
      </div>
      {errors.length > 0 && (
        <ul className="field-errors" id={errorId}>
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** The currency's short sign in the saver's locale (`kr.` for DKK in da-DK), for beside an input. */
export function currencySign(currency: string, locale: string): string {
  const parts = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(1);
  return parts.find((part) => part.type === 'currency')?.value ?? currency;
}
