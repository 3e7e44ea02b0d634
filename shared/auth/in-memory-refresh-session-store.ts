import type {
  FamilyRevocationReason,
  RefreshFamilyRecord,
  RefreshSessionStore,
  RefreshTokenRecord,
} from './refresh-sessions.ts';

/** The RefreshSessionStore port in memory, with the same conditional-write semantics, for tests. */
export class InMemoryRefreshSessionStore implements RefreshSessionStore {
  readonly families = new Map<string, RefreshFamilyRecord>();
  readonly tokens = new Map<string, RefreshTokenRecord>();

  private static familyKey(subject: string, familyId: string): string {
    return `${subject}\u0000${familyId}`;
  }

  async createFamily(family: RefreshFamilyRecord): Promise<boolean> {
    const key = InMemoryRefreshSessionStore.familyKey(family.subject, family.familyId);
    if (this.families.has(key)) return false;
    this.families.set(key, { ...family });
    return true;
  }

  async getFamily(subject: string, familyId: string): Promise<RefreshFamilyRecord | undefined> {
    const family = this.families.get(InMemoryRefreshSessionStore.familyKey(subject, familyId));
    return family && { ...family };
  }

  async revokeFamily(
    subject: string,
    familyId: string,
    revokedAt: Date,
    reason: FamilyRevocationReason,
  ): Promise<void> {
    const key = InMemoryRefreshSessionStore.familyKey(subject, familyId);
    const family = this.families.get(key);
    if (!family || family.revokedAt !== undefined) return;
    this.families.set(key, { ...family, revokedAt, revocationReason: reason });
  }

  async listFamilyIds(subject: string): Promise<string[]> {
    return [...this.families.values()]
      .filter((family) => family.subject === subject)
      .map((family) => family.familyId);
  }

  async putToken(token: RefreshTokenRecord): Promise<boolean> {
    if (this.tokens.has(token.tokenHash)) return false;
    this.tokens.set(token.tokenHash, { ...token });
    return true;
  }

  async getTokenByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const token = this.tokens.get(tokenHash);
    return token && { ...token };
  }

  async markTokenRotated(
    tokenHash: string,
    rotation: { rotatedAt: Date; replacedByHash: string },
  ): Promise<boolean> {
    const token = this.tokens.get(tokenHash);
    if (!token || token.rotatedAt !== undefined) return false;
    this.tokens.set(tokenHash, { ...token, ...rotation });
    return true;
  }
}
