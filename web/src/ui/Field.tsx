import { type Ref, useId, useState } from 'react';
import { text } from '../text.ts';

interface FieldProps {
  label: string;
  name: string;
  type: 'email' | 'password' | 'text';
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
  errors?: readonly string[];
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled input whose hint and errors are read out with it (aria-describedby). */
export function Field({
  label,
  name,
  type,
  value,
  onChange,
  autoComplete,
  errors = [],
  hint,
  inputRef,
}: FieldProps) {
  const id = useId();
  const [revealed, setRevealed] = useState(false);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [errors.length > 0 ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  const isPassword = type === 'password';
  return (
    <div className={`field${errors.length > 0 ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="input-row">
        <input
          id={id}
          ref={inputRef}
          name={name}
          type={isPassword && revealed ? 'text' : type}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          autoComplete={autoComplete}
          autoCapitalize="none"
          spellCheck={false}
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
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
