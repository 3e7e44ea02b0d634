import type { BankTokenSet } from '#bank/authorization';
import { BankConnection, type TokenRefresher, type TokenStore } from '#bank/connection';
import type { SecretVault } from '#store/secret-vault';

/**
 * A consent's tokens in their Secrets Manager secret. Reads bypass the cache (another worker may
 * have refreshed), and a save first checks that the token being replaced is still the stored one, so
 * a writer that lost a race fails loudly instead of overwriting newer tokens. Per-saver run leases
 * keep writers to one at a time; this check is the second line.
 */
export function vaultTokenStore(vault: Pick<SecretVault, 'read' | 'write'>, secretId: string): TokenStore {
  const load = async (): Promise<BankTokenSet | undefined> => {
    const stored = await vault.read(secretId, { fresh: true });
    return stored === undefined ? undefined : (JSON.parse(stored) as BankTokenSet);
  };
  return {
    load,
    async save(next, replaced) {
      const current = await load();
      if (current?.refreshToken !== replaced.refreshToken) {
        throw new Error('The stored bank tokens changed while they were being refreshed');
      }
      await vault.write(secretId, JSON.stringify(next));
    },
  };
}

/** One saver's bank connection over its token secret. */
export function bankConnectionFor(
  client: TokenRefresher,
  vault: Pick<SecretVault, 'read' | 'write'>,
  secretId: string,
  now: () => Date,
): BankConnection {
  return new BankConnection(client, vaultTokenStore(vault, secretId), { now });
}
