/**
 * What the system is made of, as plain data: API routes, scheduled jobs and queues with their
 * workers. The CDK stacks deploy these and the local runtime serves and fires the same ones, so a
 * route or schedule cannot exist in one place and not the other. No CDK imports here.
 */

/** What a function may touch: the stacks grant exactly this and nothing more. */
export interface FunctionAccess {
  table?: 'read' | 'readWrite';
  /** Reads the access-token signing keys (to issue or verify tokens). */
  tokenKeys?: boolean;
  /** Calls Nordea: reads the app credentials, and manages savers' consent-token secrets. */
  bank?: boolean;
}

export interface ApiRoute {
  /** API Gateway HTTP API route key, e.g. `GET /api/goals/{id}`, or `$default`. */
  routeKey: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  access?: FunctionAccess;
  /** Data files the handler reads beside its bundle (esbuild cannot follow readFileSync). */
  files?: string[];
}

const saverAccess: FunctionAccess = { table: 'readWrite', tokenKeys: true };
const readAccess: FunctionAccess = { table: 'read', tokenKeys: true };
const bankAccess: FunctionAccess = { ...saverAccess, bank: true };

/** `functions/api/health.ts` → `api-health`: the function's name, locally and in AWS. */
export function functionNameOf(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
}

export const apiRoutes: readonly ApiRoute[] = [
  { routeKey: 'GET /api/health', entry: 'functions/api/health.ts' },
  { routeKey: 'GET /api/openapi.json', entry: 'functions/api/openapi.ts' },
  {
    routeKey: 'POST /api/auth/signup',
    entry: 'functions/api/auth-signup.ts',
    access: saverAccess,
    files: ['shared/auth/common-passwords.txt'],
  },
  { routeKey: 'POST /api/auth/login', entry: 'functions/api/auth-login.ts', access: saverAccess },
  { routeKey: 'POST /api/auth/refresh', entry: 'functions/api/auth-refresh.ts', access: saverAccess },
  { routeKey: 'POST /api/auth/logout', entry: 'functions/api/auth-logout.ts', access: saverAccess },
  { routeKey: 'GET /api/me', entry: 'functions/api/me-get.ts', access: readAccess },
  { routeKey: 'PATCH /api/me', entry: 'functions/api/me-patch.ts', access: saverAccess },
  { routeKey: 'DELETE /api/me', entry: 'functions/api/me-delete.ts', access: bankAccess },
  { routeKey: 'GET /api/me/export', entry: 'functions/api/me-export.ts', access: readAccess },
  { routeKey: 'GET /api/goals', entry: 'functions/api/goals-list.ts', access: readAccess },
  { routeKey: 'POST /api/goals', entry: 'functions/api/goals-create.ts', access: saverAccess },
  { routeKey: 'GET /api/goals/{id}', entry: 'functions/api/goal-get.ts', access: readAccess },
  { routeKey: 'PATCH /api/goals/{id}', entry: 'functions/api/goal-patch.ts', access: saverAccess },
  { routeKey: 'DELETE /api/goals/{id}', entry: 'functions/api/goal-delete.ts', access: saverAccess },
  { routeKey: 'GET /api/rules', entry: 'functions/api/rules-list.ts', access: readAccess },
  { routeKey: 'POST /api/rules', entry: 'functions/api/rules-create.ts', access: saverAccess },
  { routeKey: 'GET /api/rules/{id}', entry: 'functions/api/rule-get.ts', access: readAccess },
  { routeKey: 'PATCH /api/rules/{id}', entry: 'functions/api/rule-patch.ts', access: saverAccess },
  { routeKey: 'DELETE /api/rules/{id}', entry: 'functions/api/rule-delete.ts', access: saverAccess },
  { routeKey: 'GET /api/habits', entry: 'functions/api/habits-list.ts', access: readAccess },
  { routeKey: 'POST /api/habits', entry: 'functions/api/habits-create.ts', access: saverAccess },
  { routeKey: 'DELETE /api/habits/{id}', entry: 'functions/api/habit-delete.ts', access: saverAccess },
  { routeKey: 'POST /api/habits/{id}/log', entry: 'functions/api/habit-log.ts', access: saverAccess },
  {
    routeKey: 'POST /api/hooks/{hookId}',
    entry: 'functions/api/hook-log.ts',
    access: { table: 'readWrite' },
  },
  { routeKey: 'POST /api/bank/connect', entry: 'functions/api/bank-connect.ts', access: bankAccess },
  { routeKey: 'GET /api/bank/callback', entry: 'functions/api/bank-callback.ts', access: bankAccess },
  {
    routeKey: 'GET /api/bank',
    entry: 'functions/api/bank-get.ts',
    access: { table: 'read', tokenKeys: true },
  },
  { routeKey: 'PUT /api/bank/accounts', entry: 'functions/api/bank-accounts-put.ts', access: saverAccess },
  { routeKey: 'DELETE /api/bank', entry: 'functions/api/bank-delete.ts', access: bankAccess },
  { routeKey: '$default', entry: 'functions/api/not-found.ts' },
];

/** The event every scheduled job receives, from EventBridge Scheduler or the local scheduler. */
export interface ScheduledJobEvent {
  job: string;
  /** ISO-8601 time the schedule fired for. */
  scheduledTime: string;
}

export interface ScheduledJob {
  name: string;
  entry: string;
  /** Fires every this many minutes (EventBridge Scheduler `rate(...)`). */
  everyMinutes: number;
}

export const scheduledJobs: readonly ScheduledJob[] = [];

export interface QueueWorker {
  name: string;
  queueName: string;
  entry: string;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

export const queueWorkers: readonly QueueWorker[] = [];

/**
 * Headers for the web app, set by the CloudFront response-headers policy in AWS and by the local
 * static server. The SPA loads only its own scripts and styles and talks only to its own origin.
 */
export const webSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};
