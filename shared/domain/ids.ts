import { hash } from 'node:crypto';

/**
 * Deterministic ids: a prefix plus the first 128 bits of SHA-256 over the JSON array of parts.
 * JSON keeps the parts unambiguous ("a|b","c" never collides with "a","b|c"). The result is at most
 * 35 characters, which fits the bank's external reference fields.
 */
export function stableId(prefix: string, parts: readonly string[]): string {
  // One-shot hash (Node ≥ 20.12): about twice as fast as createHash for inputs this small.
  const digest = hash('sha256', JSON.stringify(parts), 'hex');
  return `${prefix}_${digest.slice(0, 32)}`;
}

export function savingsEntryId(
  saverId: string,
  ruleId: string,
  triggerKind: string,
  triggerRef: string,
  goalId: string,
): string {
  return stableId('se', ['savings-entry', saverId, ruleId, triggerKind, triggerRef, goalId]);
}

/** A transfer is identified by its saver and the exact set of entries it carries, in any order. */
export function transferId(saverId: string, entryIds: readonly string[]): string {
  return stableId('tr', ['transfer', saverId, ...[...entryIds].sort()]);
}
