import { formatAmount } from '../format.ts';

/** An amount in the saver's locale, marked with that language so screen readers say it right. */
export function Money({ minor, currency, locale }: { minor: number; currency: string; locale: string }) {
  return (
    <span className="money" lang={locale}>
      {formatAmount(minor, currency, locale)}
    </span>
  );
}
