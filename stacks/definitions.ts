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
  /** Queues (by `QueueWorker.queueName`) this handler sends messages to. */
  sendsTo?: readonly string[];
}

/** The queue sync-saver reads: one message per saver due for a sync. */
export const SYNC_QUEUE = 'sync-saver';
/** The queue execute-transfers reads: one message per planned transfer. */
export const TRANSFER_QUEUE = 'execute-transfers';

/** The environment variable that hands a sender the URL of a queue it `sendsTo`. */
export const queueUrlVariables: Readonly<Record<string, string>> = {
  [SYNC_QUEUE]: 'SYNC_QUEUE_URL',
  [TRANSFER_QUEUE]: 'TRANSFER_QUEUE_URL',
};

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
  { routeKey: 'POST /api/auth/logout-all', entry: 'functions/api/auth-logout-all.ts', access: saverAccess },
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
  { routeKey: 'POST /api/rules/backtest', entry: 'functions/api/rules-backtest.ts', access: readAccess },
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
  {
    routeKey: 'POST /api/bank/sync',
    entry: 'functions/api/bank-sync.ts',
    access: bankAccess,
    // Payments are the executor's alone: the API reads the bank, then queues what it planned.
    sendsTo: [TRANSFER_QUEUE],
  },
  { routeKey: 'GET /api/activity', entry: 'functions/api/activity-list.ts', access: readAccess },
  { routeKey: 'GET /api/transfers', entry: 'functions/api/transfers-list.ts', access: readAccess },
  { routeKey: 'GET /api/transfers/{id}', entry: 'functions/api/transfer-get.ts', access: readAccess },
  {
    routeKey: 'POST /api/transfers/{id}/cancel',
    entry: 'functions/api/transfer-cancel.ts',
    access: saverAccess,
  },
  { routeKey: 'GET /api/notifications', entry: 'functions/api/notifications-list.ts', access: readAccess },
  {
    routeKey: 'POST /api/notifications/read',
    entry: 'functions/api/notifications-read.ts',
    access: saverAccess,
  },
  { routeKey: '$default', entry: 'functions/api/not-found.ts' },
];

/** The event every scheduled job receives, from EventBridge Scheduler or the local scheduler. */
export interface ScheduledJobEvent {
  job: string;
  /** ISO-8601 time the schedule fired for. */
  scheduledTime: string;
}

/** Nordea's limits for one app (calls a second); every function that calls the bank gets a share. */
export const NORDEA_APP_LIMITS = { ais: 20, pis: 100 } as const;

/** Bank calls a second one instance of a function may make (its pacer's limits). */
export interface BankCallShare {
  ais: number;
  pis: number;
}

export interface ScheduledJob {
  name: string;
  entry: string;
  /** Fires every this many minutes (EventBridge Scheduler `rate(...)`). */
  everyMinutes: number;
  access: FunctionAccess;
  /** Queues (by `QueueWorker.queueName`) this job sends messages to. */
  sendsTo?: readonly string[];
  timeoutSeconds: number;
  /** For jobs that call the bank (one instance at a time). */
  bankCallsPerSecond?: BankCallShare;
}

const jobAccess: FunctionAccess = { table: 'readWrite' };
const jobBankAccess: FunctionAccess = { table: 'readWrite', bank: true };

export const scheduledJobs: readonly ScheduledJob[] = [
  {
    name: 'dispatch-syncs',
    entry: 'functions/jobs/dispatch-syncs.ts',
    everyMinutes: 15,
    access: jobAccess,
    sendsTo: [SYNC_QUEUE],
    timeoutSeconds: 120,
  },
  {
    name: 'reconcile-transfers',
    entry: 'functions/jobs/reconcile-transfers.ts',
    everyMinutes: 15,
    access: jobBankAccess,
    sendsTo: [TRANSFER_QUEUE],
    timeoutSeconds: 300,
    bankCallsPerSecond: { ais: 1, pis: 5 },
  },
  {
    name: 'periodic-rules',
    entry: 'functions/jobs/periodic-rules.ts',
    everyMinutes: 60,
    access: jobAccess,
    timeoutSeconds: 300,
  },
  {
    name: 'consent-watch',
    entry: 'functions/jobs/consent-watch.ts',
    everyMinutes: 24 * 60,
    access: jobAccess,
    timeoutSeconds: 300,
  },
];

export interface QueueWorker {
  name: string;
  queueName: string;
  entry: string;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  access: FunctionAccess;
  sendsTo?: readonly string[];
  timeoutSeconds: number;
  /**
   * Upper bound on concurrent invocations in AWS (reserved concurrency): with one bank call in flight
   * per invocation and ~100 ms per call, this keeps all workers together under Nordea's per-app limit.
   */
  maxConcurrency: number;
  /** Per instance; × maxConcurrency is this worker's part of NORDEA_APP_LIMITS. */
  bankCallsPerSecond?: BankCallShare;
}

export const queueWorkers: readonly QueueWorker[] = [
  {
    name: 'sync-saver',
    queueName: SYNC_QUEUE,
    entry: 'functions/jobs/sync-saver.ts',
    batchSize: 1,
    visibilityTimeoutSeconds: 6 * 120,
    maxReceiveCount: 5,
    access: jobBankAccess,
    sendsTo: [TRANSFER_QUEUE],
    timeoutSeconds: 120,
    // Five instances at 3 reads a second: 15 of the app's 20; the executors' token refreshes and the
    // reconciler have the rest.
    maxConcurrency: 5,
    bankCallsPerSecond: { ais: 3, pis: 1 },
  },
  {
    name: 'execute-transfers',
    queueName: TRANSFER_QUEUE,
    entry: 'functions/jobs/execute-transfers.ts',
    batchSize: 1,
    visibilityTimeoutSeconds: 6 * 60,
    maxReceiveCount: 5,
    access: jobBankAccess,
    timeoutSeconds: 60,
    maxConcurrency: 4,
    bankCallsPerSecond: { ais: 1, pis: 20 },
  },
];

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
