import { type ReactNode, type Ref, useId, useState } from 'react';
import { text } from '../text.ts';

/** One message, several, or none: what a field's check or the API said is wrong with it. */
type FieldErrors = string | readonly string[] | undefined;

interface Described {
  label: string;
  hint?: string | undefined;
  errors?: FieldErrors;
}

const listOf = (errors: FieldErrors): readonly string[] =>
  errors === undefined ? [] : typeof errors === 'string' ? (errors === '' ? [] : [errors]) : errors;

/**
 * The label, hint and errors around a control: the control is named by its label, and its errors
 * and hint are read out with it (aria-describedby, aria-invalid).
 */
function FieldFrame({
  label,
  hint,
  errors,
  className,
  children,
}: Described & {
  className?: string | undefined;
  children: (wiring: { id: string; describedBy: string | undefined; invalid: true | undefined }) => ReactNode;
}) {
  const id = useId();
  const messages = listOf(errors);
  const invalid = messages.length > 0;
  const describedBy = [invalid ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${invalid ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy: describedBy || undefined, invalid: invalid || undefined })}
      {invalid && (
        <ul className="field-errors" id={`${id}-error`}>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/**
 * A labelled input: text, amounts (a decimal keypad and the currency beside it), dates, email, and
 * passwords with a show/hide button.
 */
export function TextField({
  value,
  onChange,
  name,
  type = 'text',
  inputMode,
  autoComplete = 'off',
  spellCheck,
  maxLength,
  min,
  suffix,
  size,
  inputRef,
  ...frame
}: Described & {
  value: string;
  onChange: (value: string) => void;
  name?: string;
  type?: 'text' | 'date' | 'email' | 'password';
  inputMode?: 'decimal' | 'numeric' | 'text' | 'email';
  autoComplete?: string;
  spellCheck?: boolean;
  maxLength?: number;
  min?: string;
  /** Shown after the input, like the currency, and read out as part of its description. */
  suffix?: string;
  size?: 'short' | 'tiny';
  inputRef?: Ref<HTMLInputElement>;
}) {
  const [revealed, setRevealed] = useState(false);
  const isPassword = type === 'password';
  const typesAnAddress = isPassword || type === 'email';
  return (
    <FieldFrame {...frame} className={size ? `field-${size}` : undefined}>
      {({ id, describedBy, invalid }) => (
        <div className={`input-row${suffix ? ' input-with-suffix' : ''}`}>
          <input
            id={id}
            ref={inputRef}
            name={name}
            type={isPassword && revealed ? 'text' : type}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            inputMode={inputMode}
            autoComplete={autoComplete}
            autoCapitalize={typesAnAddress ? 'none' : undefined}
            spellCheck={typesAnAddress ? false : spellCheck}
            maxLength={maxLength}
            min={min}
            aria-invalid={invalid}
            aria-describedby={suffix ? [`${id}-suffix`, describedBy].filter(Boolean).join(' ') : describedBy}
          />
          {suffix && (
            <span className="input-suffix" id={`${id}-suffix`}>
              {suffix}
            </span>
          )}
          {isPassword && (
            <button
              type="button"
              className="reveal"
              aria-label={revealed ? text.auth.hidePasswordLabel : text.auth.showPasswordLabel}
              aria-pressed={revealed}
              onClick={() => setRevealed((shown) => !shown)}
            >
              {revealed ? text.auth.hidePassword : text.auth.showPassword}
            </button>
          )}
        </div>
      )}
    </FieldFrame>
  );
}

/** A labelled native select: keyboard and screen readers work as everywhere else. */
export function SelectField({
  value,
  onChange,
  options,
  ...frame
}: Described & {
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <FieldFrame {...frame}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
