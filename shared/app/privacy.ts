import type { RefreshSessions } from '#auth/refresh-sessions';
import type { RequestContext } from '#bank/transport';
import { addressOf, audit } from '#observability/audit';
import type { SaverPartition } from '#store/saver-partition';
import type { SaverRepository } from '#store/saver-repository';
import type { BankLinking } from './bank-linking.ts';
import { NotFound } from './errors.ts';

export interface PrivacyDependencies {
  savers: Pick<SaverRepository, 'getProfile' | 'deleteLogin' | 'deleteProfile'>;
  partition: Pick<SaverPartition, 'export' | 'erase'>;
  sessions: Pick<RefreshSessions, 'revokeAll'>;
  bank: Pick<BankLinking, 'unlink'>;
  /** Webhooks live outside the saver's partition (they are found by id), so they go one by one. */
  habitHooks: { hookIdsOf(saverId: string): Promise<string[]>; delete(hookId: string): Promise<void> };
  now: () => Date;
}

export function createPrivacy({ savers, partition, sessions, bank, habitHooks, now }: PrivacyDependencies) {
  return {
    /** All of the saver's data in one JSON document (GDPR Art. 15 and 20). */
    async export(saverId: string) {
      const profile = await savers.getProfile(saverId);
      if (!profile) throw new NotFound('There is no such saver.');
      const { saver: _profileItems, ...rest } = await partition.export(saverId);
      return {
        exportedAt: now().toISOString(),
        saver: { id: saverId, createdAt: profile.createdAt, settings: profile.settings },
        ...rest,
      };
    },

    /**
     * Erases the saver (GDPR Art. 17). Ordered so a failure at any step can be retried by calling
     * again: the bank consent and sessions end first, the login (the way back in) goes last.
     */
    async erase(saverId: string, context: RequestContext): Promise<void> {
      const profile = await savers.getProfile(saverId);
      if (!profile) throw new NotFound('There is no such saver.');
      await bank.unlink(saverId, context);
      await sessions.revokeAll(saverId);
      for (const hookId of await habitHooks.hookIdsOf(saverId)) await habitHooks.delete(hookId);
      await partition.erase(saverId, ['PROFILE']);
      await savers.deleteLogin(profile.settings.email);
      await savers.deleteProfile(saverId);
      audit('account-erased', { saverId, ip: addressOf(context) });
    },
  };
}
