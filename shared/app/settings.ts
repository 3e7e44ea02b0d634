import { type SaverSettings, type SaverSettingsPatch, SaverSettingsSchema } from '#domain/settings';
import type { BankRepository } from '#store/bank-repository';
import type { SaverRepository } from '#store/saver-repository';
import { Conflict, NotFound, RuleViolation } from './errors.ts';

/** Just enough of a saver's collection to know whether it holds anything. */
interface Collection {
  list(saverId: string, options: { limit: number }): Promise<{ items: readonly unknown[] }>;
}

export interface SettingsDependencies {
  savers: Pick<SaverRepository, 'getProfile' | 'updateSettings'>;
  /** Goals and rules are kept in the saver's currency, so their existence pins it. */
  goals: Collection;
  rules: Collection;
  /** A linked bank's accounts are in their own currency, so a connection pins it too. */
  bank: Pick<BankRepository, 'getConnection'>;
  now: () => Date;
}

export function createSettings({ savers, goals, rules, bank, now }: SettingsDependencies) {
  /** Why the currency cannot change now, or undefined when nothing depends on it yet. */
  async function currencyPinnedBy(saverId: string): Promise<string | undefined> {
    const [goal, rule, connection] = await Promise.all([
      goals.list(saverId, { limit: 1 }),
      rules.list(saverId, { limit: 1 }),
      bank.getConnection(saverId),
    ]);
    if (goal.items.length > 0) return 'You have goals saving in the current currency.';
    if (rule.items.length > 0) return 'You have rules saving in the current currency.';
    if (connection) return 'Your linked bank accounts are in the current currency.';
    return undefined;
  }

  return {
    async get(saverId: string): Promise<SaverSettings> {
      const profile = await savers.getProfile(saverId);
      if (!profile) throw new NotFound('There is no such saver.');
      return profile.settings;
    },

    /**
     * Merges the patch into the settings. The currency changes only while nothing holds money or
     * rules in it (no goal, no rule, no bank connection): otherwise rules and transfers would break.
     */
    async update(saverId: string, patch: SaverSettingsPatch): Promise<SaverSettings> {
      const current = await this.get(saverId);
      if (patch.currency !== undefined && patch.currency !== current.currency) {
        const reason = await currencyPinnedBy(saverId);
        if (reason) {
          throw new RuleViolation('The currency cannot change while money depends on it.', [
            {
              pointer: '/currency',
              detail: `${reason} It stays ${current.currency}; remove your goals, rules and bank link to change it.`,
              code: 'currency-in-use',
            },
          ]);
        }
      }
      const next = SaverSettingsSchema.parse({ ...current, ...patch });
      if (!(await savers.updateSettings(saverId, next, now().toISOString()))) {
        throw new Conflict('Your profile changed meanwhile. Reload and try again.');
      }
      return next;
    },
  };
}
