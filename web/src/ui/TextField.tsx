import { type ReactNode, useId } from 'react';

interface Described {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  className?: string;
}

/** The label, hint and error around a control, wired up with aria-describedby. */
function FieldFrame({
  label,
  hint,
  error,
  className,
  children,
}: Described & { children: (ids: { id: string; describedBy: string | undefined }) => ReactNode }) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy: describedBy || undefined })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A labelled text, amount or date input for the goal, rule and habit forms. */
export function TextField({
  value,
  onChange,
  type = 'text',
  inputMode,
  maxLength,
  autoComplete = 'off',
  suffix,
  size,
  ...frame
}: Described & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'date';
  inputMode?: 'decimal' | 'numeric' | 'text';
  maxLength?: number;
  autoComplete?: string;
  /** Shown after the input, like the currency. */
  suffix?: string;
  size?: 'short' | 'tiny';
}) {
  return (
    <FieldFrame {...frame} className={size ? `field-${size}` : undefined}>
      {({ id, describedBy }) => (
        <div className={`input-row${suffix ? ' input-with-suffix' : ''}`}>
          <input
            id={id}
            type={type}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            inputMode={inputMode}
            maxLength={maxLength}
            autoComplete={autoComplete}
            aria-invalid={frame.error ? true : undefined}
            aria-describedby={suffix ? [`${id}-suffix`, describedBy].filter(Boolean).join(' ') : describedBy}
          />
          {suffix && (
            <span className="input-suffix" id={`${id}-suffix`}>
              {suffix}
            </span>
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
      {({ id, describedBy }) => (
        <select
          id={id}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={frame.error ? true : undefined}
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
