import { hash } from 'node:crypto';

/**
 * Deterministic ids: a prefix plus the first 128 bits of SHA-256 over the JSON array of parts.
 * JSON keeps the parts unambiguous ("a|b","c" never collides with "a","b|c"). The result is at most
 * 35 characters, which fits the bank's external reference fields.
 */
export function stableId(prefix: string, parts: readonly string[]): string {
  return idOfJson(prefix, JSON.stringify(parts));
}

function idOfJson(prefix: string, json: string): string {
  // One-shot hash (Node ≥ 20.12): about twice as fast as createHash for inputs this small.
  const digest = hash('sha256', json, 'hex');
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

/**
 * `savingsEntryId` for one saver and rule, for the engine, which makes thousands of ids per rule. It
 * hashes exactly the same JSON text (`JSON.stringify` of an array of strings is its quoted items joined
 * by commas) but serialises the parts shared by every id of the rule only once.
 */
export function savingsEntryIdsOf(
  saverId: string,
  ruleId: string,
): (triggerKind: string, triggerRef: string, goalId: string) => string {
  const head = `["savings-entry",${JSON.stringify(saverId)},${JSON.stringify(ruleId)},`;
  // A rule's triggers are all of one kind and most rules fund one goal: remembering the last
  // serialised kind and goal is enough.
  let lastKind: string | null = null;
  let prefix = '';
  let lastGoalId: string | null = null;
  let suffix = '';
  return (triggerKind, triggerRef, goalId) => {
    if (triggerKind !== lastKind) {
      lastKind = triggerKind;
      prefix = `${head}${JSON.stringify(triggerKind)},`;
    }
    if (goalId !== lastGoalId) {
      lastGoalId = goalId;
      suffix = `,${JSON.stringify(goalId)}]`;
    }
    return idOfJson('se', prefix + JSON.stringify(triggerRef) + suffix);
  };
}

/** A transfer is identified by its saver and the exact set of entries it carries, in any order. */
export function transferId(saverId: string, entryIds: readonly string[]): string {
  return stableId('tr', ['transfer', saverId, ...[...entryIds].sort()]);
}
