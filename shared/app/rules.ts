import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { localDateOf } from '#domain/calendar';
import type { GoalSchema } from '#domain/goals';
import {
  activateRule,
  checkRuleAgainst,
  type DraftRule,
  DraftRuleSchema,
  type Rule,
  type RuleProblem,
} from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import type { Page, SaverItems } from '#store/saver-items';
import { Conflict, InvalidInput, NotFound, RuleViolation } from './errors.ts';
import { pageOf } from './goals.ts';

export const MAX_RULES_PER_SAVER = 100;

export interface RuleDependencies {
  rules: SaverItems<z.ZodType<Rule>>;
  goals: Pick<SaverItems<typeof GoalSchema>, 'all'>;
  settingsOf: (saverId: string) => Promise<SaverSettings>;
  now: () => Date;
  newId?: () => string;
}

function describe(problem: RuleProblem): { pointer: string; detail: string; code: string } {
  switch (problem.code) {
    case 'goal-missing':
      return { pointer: '/goalId', detail: `There is no goal ${problem.goalId}.`, code: problem.code };
    case 'goal-currency':
      return {
        pointer: '/goalId',
        detail: `Goal ${problem.goalId} saves in ${problem.currency}.`,
        code: problem.code,
      };
    case 'round-up-base':
      return {
        pointer: '/roundToMinor',
        detail: `Round up to one of ${problem.allowed.join(', ')} (minor units).`,
        code: problem.code,
      };
  }
}

/** Fields a stored rule has that the saver never sends. */
const toDraft = ({ id: _id, activeFrom: _activeFrom, ...draft }: Rule): Record<string, unknown> => draft;

export function createRules(dependencies: RuleDependencies) {
  const { rules, goals, settingsOf, now } = dependencies;
  const newId = dependencies.newId ?? (() => `rule_${randomUUID()}`);

  const checked = async (saverId: string, draft: DraftRule): Promise<SaverSettings> => {
    const settings = await settingsOf(saverId);
    const problems = checkRuleAgainst(draft, await goals.all(saverId), settings);
    if (problems.length > 0)
      throw new RuleViolation('The rule cannot be saved as it is.', problems.map(describe));
    return settings;
  };

  const existing = async (saverId: string, id: string) => {
    const rule = await rules.get(saverId, id);
    if (!rule) throw new NotFound('There is no such rule.');
    return rule;
  };

  return {
    list: (saverId: string, cursor?: string): Promise<Page<Rule>> =>
      pageOf(() => rules.list(saverId, cursor ? { cursor } : {})),

    async get(saverId: string, id: string): Promise<Rule> {
      const { version: _version, ...rule } = await existing(saverId, id);
      return rule as Rule;
    },

    /** Switches a rule on from today (the saver's date): it never acts on older transactions. */
    async create(saverId: string, draft: DraftRule): Promise<Rule> {
      const settings = await checked(saverId, draft);
      if ((await rules.all(saverId)).length >= MAX_RULES_PER_SAVER) {
        throw new Conflict(`You can have at most ${MAX_RULES_PER_SAVER} rules.`);
      }
      const rule = activateRule(draft, newId(), localDateOf(now(), settings.timeZone));
      if (!(await rules.create(saverId, rule))) throw new Conflict('A rule with this id exists.');
      return rule;
    },

    /** A merge of the patch into the rule; the type and switch-on date stay. */
    async update(saverId: string, id: string, patch: Record<string, unknown>): Promise<Rule> {
      const { version, ...current } = await existing(saverId, id);
      const stored = current as Rule;
      if ('type' in patch && patch.type !== stored.type) {
        throw new RuleViolation('A rule cannot change its type; create a new rule instead.', [
          { pointer: '/type', detail: 'Type cannot change.' },
        ]);
      }
      const merged = { ...toDraft(stored), ...patch };
      // A rule funds one goal or a split: setting one clears the other.
      if ('split' in patch && patch.split !== undefined) delete merged.goalId;
      if ('goalId' in patch && patch.goalId !== undefined) delete merged.split;
      const parsed = DraftRuleSchema.safeParse(merged);
      if (!parsed.success) {
        throw new InvalidInput(
          'The changed rule is not valid.',
          parsed.error.issues.map((issue) => ({
            pointer: `/${issue.path.join('/')}`,
            detail: issue.message,
          })),
        );
      }
      await checked(saverId, parsed.data);
      const next = activateRule(parsed.data, stored.id, stored.activeFrom);
      if (!(await rules.replace(saverId, next, version))) {
        throw new Conflict('The rule changed meanwhile. Reload it and try again.');
      }
      return next;
    },

    async remove(saverId: string, id: string): Promise<void> {
      if (!(await rules.delete(saverId, id))) throw new NotFound('There is no such rule.');
    },
  };
}
