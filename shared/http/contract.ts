import { z } from 'zod';
import { MAX_PAGE_SIZE, NotificationsReadSchema } from '#app/activity';
import { GoalPatchSchema } from '#app/goals';
import { HabitLogSchema, NewHabitSchema } from '#app/habits';
import { BacktestRequestSchema } from '#app/rules';
import { NewGoalSchema } from '#domain/goals';
import { DraftRuleSchema } from '#domain/rules';
import { SaverSettingsPatchSchema } from '#domain/settings';

/**
 * The API contract in one place: each route's request schemas, who may call it and what it answers.
 * Handlers take their schemas from here and GET /api/openapi.json is generated from it, so the
 * published contract is the enforced one.
 */
export interface Operation {
  summary: string;
  /** saver: Bearer access token; cookie: the refresh cookie; webhook: a habit webhook secret. */
  auth: 'public' | 'saver' | 'cookie' | 'webhook';
  body?: z.ZodType;
  query?: z.ZodType;
  path?: z.ZodType;
  responses: Record<number, string>;
}

/** `?cursor=` of list endpoints: opaque, bounded. */
export const listQuerySchema = z.strictObject({ cursor: z.string().min(1).max(512).optional() });

/** `?cursor=&limit=` of the automation's lists (newest first): `limit` is 1–100, 50 when absent. */
export const pagedListQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(512).optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, `a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
});

/** `{id}` path parameters: our ids are short and plain. */
export const idPathSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id') });

/** Sign-up and login bodies: the password rules themselves are checked by the use case (422). */
export const credentialsSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

const accountId = z.string().min(1).max(128);

// A rule PATCH is merged into the stored rule and the result is validated strictly for its type.
const rulePatchSchema = z
  .record(z.string().max(40), z.unknown())
  .refine((patch) => !('id' in patch || 'activeFrom' in patch), {
    message: 'id and activeFrom cannot change',
  });

const session = {
  400: 'invalid request',
  401: 'wrong email or password',
  429: 'too many attempts (Retry-After)',
};
const saverErrors = { 401: 'missing or invalid access token', 404: 'not found (for this saver)' };

export const contract = {
  'GET /api/health': { summary: 'Service health', auth: 'public', responses: { 200: '{status: "ok"}' } },
  'GET /api/openapi.json': {
    summary: 'This contract as OpenAPI 3.1',
    auth: 'public',
    responses: { 200: 'OpenAPI' },
  },
  'POST /api/auth/signup': {
    summary: 'Create an account; sets the refresh cookie',
    auth: 'public',
    body: credentialsSchema,
    responses: {
      201: '{accessToken, expiresIn, user}',
      ...session,
      409: 'email taken',
      422: 'weak password',
    },
  },
  'POST /api/auth/login': {
    summary: 'Log in; sets the refresh cookie',
    auth: 'public',
    body: credentialsSchema,
    responses: { 200: '{accessToken, expiresIn, user}', ...session },
  },
  'POST /api/auth/refresh': {
    summary: 'A new access token; rotates the refresh cookie',
    auth: 'cookie',
    responses: { 200: '{accessToken, expiresIn}', 401: 'session ended (cookie cleared)' },
  },
  'POST /api/auth/logout': { summary: 'End the session', auth: 'cookie', responses: { 204: 'logged out' } },
  'POST /api/auth/logout-all': {
    summary:
      'Log out everywhere: end every session of the saver, on every device (access tokens already issued expire within 15 minutes)',
    auth: 'saver',
    responses: { 204: 'every session ended; this device’s refresh cookie cleared', ...saverErrors },
  },
  'GET /api/me': {
    summary: 'The saver’s settings',
    auth: 'saver',
    responses: { 200: 'settings', ...saverErrors },
  },
  'PATCH /api/me': {
    summary: 'Change settings',
    auth: 'saver',
    body: SaverSettingsPatchSchema,
    responses: {
      200: 'settings',
      400: 'invalid',
      422: 'currency in use (goals, rules or a linked bank)',
      ...saverErrors,
    },
  },
  'DELETE /api/me': {
    summary: 'Erase the saver and everything of theirs',
    auth: 'saver',
    responses: { 204: 'erased', ...saverErrors },
  },
  'GET /api/me/export': {
    summary: 'All of the saver’s data',
    auth: 'saver',
    responses: { 200: 'export', ...saverErrors },
  },
  'GET /api/goals': {
    summary: 'Goals with projections',
    auth: 'saver',
    query: listQuerySchema,
    responses: { 200: '{items, nextCursor}', 400: 'bad cursor', ...saverErrors },
  },
  'POST /api/goals': {
    summary: 'Create a goal',
    auth: 'saver',
    body: NewGoalSchema,
    responses: { 201: 'goal', 400: 'invalid', 409: 'too many goals', 422: 'wrong currency', ...saverErrors },
  },
  'GET /api/goals/{id}': {
    summary: 'One goal',
    auth: 'saver',
    path: idPathSchema,
    responses: { 200: 'goal', ...saverErrors },
  },
  'PATCH /api/goals/{id}': {
    summary: 'Change a goal',
    auth: 'saver',
    path: idPathSchema,
    body: GoalPatchSchema,
    responses: { 200: 'goal', 400: 'invalid', 409: 'changed meanwhile', ...saverErrors },
  },
  'DELETE /api/goals/{id}': {
    summary: 'Delete a goal no rule funds',
    auth: 'saver',
    path: idPathSchema,
    responses: { 204: 'deleted', 409: 'rules fund it', ...saverErrors },
  },
  'GET /api/rules': {
    summary: 'Rules',
    auth: 'saver',
    query: listQuerySchema,
    responses: { 200: '{items, nextCursor}', 400: 'bad cursor', ...saverErrors },
  },
  'POST /api/rules': {
    summary: 'Switch on a rule from today',
    auth: 'saver',
    body: DraftRuleSchema,
    responses: { 201: 'rule', 400: 'invalid', 422: 'goal or base not allowed', ...saverErrors },
  },
  'POST /api/rules/backtest': {
    summary: 'Replay a saved rule or a draft over the stored last 7–90 days (writes nothing)',
    auth: 'saver',
    body: BacktestRequestSchema,
    responses: {
      200: '{ruleId, currency, fromDate, toDate, days, transactionCount, totalMinor, transferredMinor, transferCount, entryCount, skippedCount, capHits, budgetHits, floorHits, floorApplied, weekly: [{week, savedMinor}], summary}',
      400: 'invalid (ruleId and rule both or neither, unknown fields)',
      422: 'goal or base not allowed',
      ...saverErrors,
    },
  },
  'GET /api/rules/{id}': {
    summary: 'One rule',
    auth: 'saver',
    path: idPathSchema,
    responses: { 200: 'rule', ...saverErrors },
  },
  'PATCH /api/rules/{id}': {
    summary: 'Change, pause or resume a rule',
    auth: 'saver',
    path: idPathSchema,
    body: rulePatchSchema,
    responses: { 200: 'rule', 400: 'invalid', 409: 'changed meanwhile', 422: 'not allowed', ...saverErrors },
  },
  'DELETE /api/rules/{id}': {
    summary: 'Delete a rule',
    auth: 'saver',
    path: idPathSchema,
    responses: { 204: 'deleted', ...saverErrors },
  },
  'GET /api/habits': {
    summary: 'Habits with streaks',
    auth: 'saver',
    responses: { 200: '{items}', ...saverErrors },
  },
  'POST /api/habits': {
    summary: 'Create a habit and its webhook (secret shown once)',
    auth: 'saver',
    body: NewHabitSchema,
    responses: { 201: 'habit with webhook', 400: 'invalid', 409: 'too many habits', ...saverErrors },
  },
  'DELETE /api/habits/{id}': {
    summary: 'Delete a habit no rule uses',
    auth: 'saver',
    path: idPathSchema,
    responses: { 204: 'deleted', 409: 'a rule uses it', ...saverErrors },
  },
  'POST /api/habits/{id}/log': {
    summary: 'Log an action',
    auth: 'saver',
    path: idPathSchema,
    body: HabitLogSchema.optional(),
    responses: { 201: '{action, habit}', 422: 'out of range', 429: 'daily limit', ...saverErrors },
  },
  'POST /api/hooks/{hookId}': {
    summary: 'Log an action from another app',
    auth: 'webhook',
    path: z.strictObject({ hookId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) }),
    body: HabitLogSchema.optional(),
    responses: { 201: '{action}', 401: 'unknown hook or wrong secret', 429: 'daily limit' },
  },
  'POST /api/bank/connect': {
    summary: 'Start linking Nordea: where to send the browser',
    auth: 'saver',
    responses: { 200: '{authorizeUrl}', ...saverErrors },
  },
  'GET /api/bank/callback': {
    summary: 'The bank’s redirect back; 302 to the web app',
    auth: 'public',
    query: z.strictObject({
      code: z.string().max(2048).optional(),
      state: z.string().max(512).optional(),
      error: z.string().max(200).optional(),
      error_description: z.string().max(1000).optional(),
    }),
    responses: { 302: 'to /?bank=linked|expired|declined' },
  },
  'GET /api/bank': {
    summary: 'Link status and accounts',
    auth: 'saver',
    responses: { 200: 'bank status', ...saverErrors },
  },
  'PUT /api/bank/accounts': {
    summary: 'Choose the spending and savings accounts',
    auth: 'saver',
    body: z.strictObject({ sourceAccountId: accountId, savingsAccountId: accountId }),
    responses: { 200: 'bank status', 422: 'accounts not usable together', ...saverErrors },
  },
  'DELETE /api/bank': {
    summary: 'Unlink Nordea',
    auth: 'saver',
    responses: { 204: 'unlinked', ...saverErrors },
  },
  'POST /api/bank/sync': {
    summary: 'Read the bank now (saver present), run the rules and queue any transfer they plan',
    auth: 'saver',
    responses: {
      200: '{saverId, outcome, transactionsRead, entriesCreated, transferPlanned}; outcome `needs-consent` asks for a new link',
      409: 'a sync for this saver is already running',
      ...saverErrors,
    },
  },
  'GET /api/activity': {
    summary: 'Savings entries, newest first, with explanations',
    auth: 'saver',
    query: pagedListQuerySchema,
    responses: { 200: '{items: savings entries, nextCursor}', 400: 'bad cursor or limit', ...saverErrors },
  },
  'GET /api/transfers': {
    summary: 'Transfers to the savings account, newest first',
    auth: 'saver',
    query: pagedListQuerySchema,
    responses: { 200: '{items: transfers, nextCursor}', 400: 'bad cursor or limit', ...saverErrors },
  },
  'GET /api/transfers/{id}': {
    summary: 'One transfer',
    auth: 'saver',
    path: idPathSchema,
    responses: { 200: 'transfer', ...saverErrors },
  },
  'POST /api/transfers/{id}/cancel': {
    summary: 'Cancel a transfer not yet sent to the bank; its entries are cancelled with it',
    auth: 'saver',
    path: idPathSchema,
    responses: {
      200: 'the cancelled transfer',
      409: 'already with the bank, awaiting confirmation there, or finished',
      ...saverErrors,
    },
  },
  'GET /api/notifications': {
    summary: 'Notifications, newest first, and the unread count',
    auth: 'saver',
    query: pagedListQuerySchema,
    responses: { 200: '{items, nextCursor, unread}', 400: 'bad cursor or limit', ...saverErrors },
  },
  'POST /api/notifications/read': {
    summary: 'Mark notifications read: {ids} or {all: true}',
    auth: 'saver',
    body: NotificationsReadSchema,
    responses: { 204: 'marked read', 400: 'invalid', ...saverErrors },
  },
} as const satisfies Record<string, Operation>;

export type RouteKey = keyof typeof contract;
