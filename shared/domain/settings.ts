import { z } from 'zod';
import { DEFAULT_TIME_ZONE, TimeZoneSchema } from './calendar.ts';
import { CurrencyCodeSchema, DEFAULT_CURRENCY, DEFAULT_LOCALE, NonNegativeMinorSchema } from './money.ts';

function isValidLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

export const LocaleSchema = z.string().min(2).max(35).refine(isValidLocale, 'a BCP 47 locale such as da-DK');

/**
 * A saver's settings, as `GET/PATCH /api/me` shows them. `monthlyBudgetMinor` null means no global budget;
 * `balanceFloorMinor` is the least the spending account must keep after a transfer.
 */
export const SaverSettingsSchema = z.strictObject({
  email: z.email(),
  balanceFloorMinor: NonNegativeMinorSchema,
  monthlyBudgetMinor: NonNegativeMinorSchema.nullable(),
  minimumTransferMinor: NonNegativeMinorSchema,
  paused: z.boolean(),
  timeZone: TimeZoneSchema,
  locale: LocaleSchema,
  currency: CurrencyCodeSchema,
});
export type SaverSettings = z.infer<typeof SaverSettingsSchema>;

/** What PATCH /api/me may change: any subset of the settings except the email. */
export const SaverSettingsPatchSchema = SaverSettingsSchema.omit({ email: true }).partial();
export type SaverSettingsPatch = z.infer<typeof SaverSettingsPatchSchema>;

/** Defaults for a new Danish saver: keep 1 000 kr., batch until 50 kr., no global budget. */
export function defaultSaverSettings(email: string): SaverSettings {
  return {
    email,
    balanceFloorMinor: 100_000,
    monthlyBudgetMinor: null,
    minimumTransferMinor: 5_000,
    paused: false,
    timeZone: DEFAULT_TIME_ZONE,
    locale: DEFAULT_LOCALE,
    currency: DEFAULT_CURRENCY,
  };
}
