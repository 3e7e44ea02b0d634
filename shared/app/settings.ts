import { type SaverSettings, type SaverSettingsPatch, SaverSettingsSchema } from '#domain/settings';
import type { SaverRepository } from '#store/saver-repository';
import { Conflict, NotFound } from './errors.ts';

export interface SettingsDependencies {
  savers: Pick<SaverRepository, 'getProfile' | 'updateSettings'>;
  now: () => Date;
}

export function createSettings({ savers, now }: SettingsDependencies) {
  return {
    async get(saverId: string): Promise<SaverSettings> {
      const profile = await savers.getProfile(saverId);
      if (!profile) throw new NotFound('There is no such saver.');
      return profile.settings;
    },

    async update(saverId: string, patch: SaverSettingsPatch): Promise<SaverSettings> {
      const current = await this.get(saverId);
      const next = SaverSettingsSchema.parse({ ...current, ...patch });
      if (!(await savers.updateSettings(saverId, next, now().toISOString()))) {
        throw new Conflict('Your profile changed meanwhile. Reload and try again.');
      }
      return next;
    },
  };
}
