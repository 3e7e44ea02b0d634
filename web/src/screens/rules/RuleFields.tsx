import { useId } from 'react';
import { currencyDigits } from '../../amountInput.ts';
import type { Goal, Habit } from '../../api/types.ts';
import { formatAmount } from '../../format.ts';
import { ROUND_UP_UNITS, type RuleForm, type RuleFormErrors } from '../../rules.ts';
import { useSaver } from '../../saver.ts';
import { text } from '../../text.ts';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { Link } from '../../ui/Link.tsx';

const T = text.rules;

export interface FieldsProps {
  form: RuleForm;
  errors: RuleFormErrors;
  set: <K extends keyof RuleForm>(field: K) => (value: RuleForm[K]) => void;
}

function Radios<V extends string>({
  legend,
  value,
  options,
  onChange,
}: {
  legend: string;
  value: V;
  options: { value: V; label: string }[];
  onChange: (value: V) => void;
}) {
  const name = useId();
  return (
    <fieldset className="choice-group">
      <legend>{legend}</legend>
      <div className="choice-row">
        {options.map((option) => (
          <label key={option.value} className="radio-card">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span className="radio-card-body">{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function MoneyField({
  label,
  hint,
  field,
  form,
  errors,
  set,
}: FieldsProps & { label: string; hint?: string; field: 'amount' | 'threshold' | 'unit' | 'budget' }) {
  const { currency } = useSaver();
  return (
    <TextField
      label={label}
      hint={hint}
      value={form[field]}
      onChange={set(field)}
      errors={errors[field]}
      inputMode="decimal"
      suffix={currency}
      size="short"
    />
  );
}

function MatchFields({ optional, ...props }: FieldsProps & { optional?: boolean }) {
  const { form, errors, set } = props;
  return (
    <>
      <TextField
        label={optional ? T.merchantTextOptional : T.merchantText}
        hint={optional ? `${T.merchantTextHint} ${T.noSpendHint}` : T.merchantTextHint}
        value={form.merchantText}
        onChange={set('merchantText')}
        errors={errors.merchantText}
        maxLength={80}
      />
      <TextField
        label={T.category}
        hint={T.categoryHint}
        value={form.category}
        onChange={set('category')}
        errors={errors.category}
        maxLength={40}
        size="short"
      />
    </>
  );
}

function SaveAmountFields({ ofPayment, ...props }: FieldsProps & { ofPayment?: boolean }) {
  const { form, errors, set } = props;
  return (
    <>
      <Radios
        legend={T.amountKind}
        value={form.amountKind}
        options={[
          { value: 'fixed', label: T.fixed },
          { value: 'percent', label: ofPayment ? T.percentOfPayment : T.percentOfPurchase },
        ]}
        onChange={set('amountKind')}
      />
      {form.amountKind === 'fixed' ? (
        <MoneyField {...props} field="amount" label={T.amount} />
      ) : (
        <TextField
          label={T.percent}
          hint={T.percentHint}
          value={form.percent}
          onChange={set('percent')}
          errors={errors.percent}
          inputMode="decimal"
          suffix="%"
          size="tiny"
        />
      )}
    </>
  );
}

function HabitFields({ habits, ...props }: FieldsProps & { habits: Habit[] }) {
  const { form, errors, set } = props;
  if (habits.length === 0) {
    return (
      <p className="alert alert-info">
        {T.noHabits} <Link to="/habits">{T.habitsLink}</Link>
      </p>
    );
  }
  return (
    <>
      <SelectField
        label={T.habitLabel}
        value={form.habitId}
        onChange={set('habitId')}
        errors={errors.habitId}
        options={[
          ...(form.habitId === '' ? [{ value: '', label: '—' }] : []),
          ...habits.map((habit) => ({ value: habit.id, label: `${habit.emoji ?? ''} ${habit.name}`.trim() })),
        ]}
      />
      <MoneyField {...props} field="amount" label={T.amount} />
      <label className="check-option">
        <input
          type="checkbox"
          checked={form.bonusOn}
          onChange={(event) => set('bonusOn')(event.target.checked)}
        />
        <span>
          {T.streakBonus}
          <span className="field-hint"> {T.streakBonusHint}</span>
        </span>
      </label>
      {form.bonusOn && (
        <div className="field-pair">
          <TextField
            label={T.afterDays}
            value={form.afterDays}
            onChange={set('afterDays')}
            errors={errors.afterDays}
            inputMode="numeric"
            size="tiny"
          />
          <TextField
            label={T.bonusMultiplier}
            value={form.bonusMultiplier}
            onChange={set('bonusMultiplier')}
            errors={errors.bonusMultiplier}
            inputMode="decimal"
            suffix="×"
            size="tiny"
          />
        </div>
      )}
    </>
  );
}

/** The fields of one rule type; the rest of the editor is the same for every type. */
export function TypeFields({ habits, ...props }: FieldsProps & { habits: Habit[] }) {
  const { currency, locale } = useSaver();
  const { form, errors, set } = props;
  switch (form.type) {
    case 'round-up':
      return (
        <>
          <SelectField
            label={T.roundTo}
            value={form.roundToUnits}
            onChange={set('roundToUnits')}
            errors={errors.roundToUnits}
            options={ROUND_UP_UNITS.map((units) => ({
              value: String(units),
              label: formatAmount(units * 10 ** currencyDigits(currency), currency, locale).replace(
                /[,.]00(?=\D*$)/,
                '',
              ),
            }))}
          />
          <SelectField
            label={T.multiplier}
            hint={T.multiplierHint}
            value={form.multiplier}
            onChange={set('multiplier')}
            errors={errors.multiplier}
            options={Array.from({ length: 10 }, (_, index) => ({
              value: String(index + 1),
              label: `× ${index + 1}`,
            }))}
          />
        </>
      );
    case 'guilty-pleasure':
      return (
        <>
          <MatchFields {...props} />
          <SaveAmountFields {...props} />
        </>
      );
    case 'payday':
      return (
        <>
          <MoneyField {...props} field="threshold" label={T.threshold} hint={T.thresholdHint} />
          <TextField
            label={T.counterparty}
            hint={T.counterpartyHint}
            value={form.counterparty}
            onChange={set('counterparty')}
            errors={errors.counterparty}
            maxLength={80}
          />
          <SaveAmountFields {...props} ofPayment />
        </>
      );
    case 'set-and-forget':
      return (
        <>
          <SelectField
            label={T.every}
            value={form.every}
            onChange={(value) => set('every')(value as RuleForm['every'])}
            options={(['day', 'week', 'month'] as const).map((every) => ({
              value: every,
              label: T.everyOptions[every] ?? every,
            }))}
          />
          {form.every === 'week' && (
            <SelectField
              label={T.weekday}
              value={form.weekday}
              onChange={set('weekday')}
              errors={errors.weekday}
              options={T.weekdays.map((day, index) => ({ value: String(index + 1), label: day }))}
            />
          )}
          {form.every === 'month' && (
            <TextField
              label={T.dayOfMonth}
              hint={T.dayOfMonthHint}
              value={form.dayOfMonth}
              onChange={set('dayOfMonth')}
              errors={errors.dayOfMonth}
              inputMode="numeric"
              size="tiny"
            />
          )}
          <MoneyField {...props} field="amount" label={T.amount} />
        </>
      );
    case '52-week':
      return (
        <>
          <MoneyField {...props} field="unit" label={T.unit} hint={T.unitHint} />
          <SelectField
            label={T.direction}
            value={form.direction}
            onChange={(value) => set('direction')(value as RuleForm['direction'])}
            options={[
              { value: 'forward', label: T.forward },
              { value: 'reverse', label: T.reverse },
            ]}
          />
          <TextField
            label={T.startDate}
            value={form.startDate}
            onChange={set('startDate')}
            errors={errors.startDate}
            type="date"
            size="short"
          />
        </>
      );
    case 'habit':
      return <HabitFields {...props} habits={habits} />;
    case 'spend-less':
      return (
        <>
          <MatchFields {...props} />
          <SelectField
            label={T.period}
            value={form.period}
            onChange={(value) => set('period')(value as RuleForm['period'])}
            options={(['week', 'month'] as const).map((period) => ({
              value: period,
              label: T.periodOptions[period] ?? period,
            }))}
          />
          <MoneyField {...props} field="budget" label={T.budget} />
        </>
      );
    case 'no-spend-day':
      return (
        <>
          <MatchFields {...props} optional />
          <MoneyField {...props} field="amount" label={T.amount} />
        </>
      );
  }
}

/** Which goal the rule fills; a split made through the API is shown and kept as it is. */
export function GoalField({ goals, ...props }: FieldsProps & { goals: Goal[] }) {
  const { form, errors, set } = props;
  if (form.split) {
    const names = form.split.map(
      (share) => `${goals.find((goal) => goal.id === share.goalId)?.name ?? share.goalId} ${share.percent} %`,
    );
    return (
      <p>
        <strong>{T.goal}:</strong> {names.join(', ')}
      </p>
    );
  }
  const choosable = goals.filter((goal) => goal.status !== 'archived' || goal.id === form.goalId);
  if (choosable.length === 0) {
    return (
      <p className="alert alert-info">
        {T.needGoal} <Link to="/goals/new">{T.createGoal}</Link>
      </p>
    );
  }
  return (
    <SelectField
      label={T.goal}
      value={form.goalId}
      onChange={set('goalId')}
      errors={errors.goalId}
      options={[
        ...(form.goalId === '' ? [{ value: '', label: '—' }] : []),
        ...choosable.map((goal) => ({ value: goal.id, label: `${goal.emoji ?? ''} ${goal.name}`.trim() })),
      ]}
    />
  );
}

export function CapsFields({ form, errors, set }: FieldsProps) {
  const { currency } = useSaver();
  const caps = [
    { field: 'capDay', label: T.perDay },
    { field: 'capWeek', label: T.perWeek },
    { field: 'capMonth', label: T.perMonth },
  ] as const;
  return (
    <fieldset className="choice-group">
      <legend>{T.capsLegend}</legend>
      <p className="field-hint">{T.capsHint}</p>
      <div className="field-pair">
        {caps.map(({ field, label }) => (
          <TextField
            key={field}
            label={label}
            value={form[field]}
            onChange={set(field)}
            errors={errors[field]}
            inputMode="decimal"
            suffix={currency}
            size="tiny"
          />
        ))}
      </div>
    </fieldset>
  );
}
