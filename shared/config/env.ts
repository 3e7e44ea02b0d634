import { z } from 'zod';

/**
 * The application's environment, parsed once per cold start. Functions in AWS and the local runtime
 * set the same variables; only the AWS_ENDPOINT_URL_* variables (read by the SDK itself) differ.
 */
const environmentSchema = z.object({
  STAGE: z.enum(['local', 'dev', 'prod']).default('local'),
  TABLE_NAME: z.string().min(3).default('sparegris'),
  SERVICE_NAME: z.string().min(1).default('sparegris'),
  /** Public origin of the web app, used for redirects back from the bank. */
  WEB_ORIGIN: z.url().default('http://localhost:3000'),
  /** Secrets Manager secret holding the access-token signing keys (JSON, see shared/auth). */
  JWT_SECRET_ID: z.string().min(1).default('sparegris/jwt-signing-keys'),
  TOKEN_AUDIENCE: z.string().min(1).default('sparegris-api'),
  /**
   * Set in AWS only: the secret CloudFront sends in `x-origin-verify`; requests without it are
   * refused (they went around the WAF), and the viewer address header becomes trustworthy.
   */
  ORIGIN_VERIFY_SECRET_ID: z.string().min(1).optional(),
  /** Nordea Personal API base URL including `/personal` (the sandbox by default). */
  NORDEA_BASE_URL: z.url().default('https://api.nordeaopenbanking.com/personal'),
  NORDEA_ORIGINATING_HOST: z.string().min(1).default('api.nordeaopenbanking.com'),
  NORDEA_COUNTRY: z.enum(['DK', 'FI', 'NO', 'SE']).default('DK'),
  /** `sandbox-skip` only works against Nordea's sandbox (and the local simulator). */
  NORDEA_SIGNATURE_MODE: z.enum(['rsa-sha256', 'sandbox-skip']).default('rsa-sha256'),
  /** Secret with the Nordea app's `{clientId, clientSecret, signingKeyPem}`. */
  NORDEA_APP_SECRET_ID: z.string().min(1).default('sparegris/nordea-app'),
  /** Each saver's consent tokens live in `<prefix>/<saverId>`. */
  BANK_TOKENS_SECRET_PREFIX: z.string().min(1).default('sparegris/bank-tokens'),
  /**
   * This function's share of Nordea's per-app limits (20 AIS / 100 PIS calls a second), paced per
   * instance: the stacks give each function share × its concurrency within the app's limit.
   */
  NORDEA_AIS_CALLS_PER_SECOND: z.coerce.number().int().min(1).max(20).default(20),
  NORDEA_PIS_CALLS_PER_SECOND: z.coerce.number().int().min(1).max(100).default(100),
  /** SQS queue of savers due for a sync (set only for functions that send to it). */
  SYNC_QUEUE_URL: z.url().optional(),
  /** SQS queue of planned transfers for the executor (set only for functions that send to it). */
  TRANSFER_QUEUE_URL: z.url().optional(),
});

export type AppConfig = Readonly<z.infer<typeof environmentSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig(environment: NodeJS.ProcessEnv): AppConfig {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    // Names the variables only: values may be secrets.
    const fields = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new ConfigError(`Invalid environment: ${fields}`);
  }
  return Object.freeze(result.data);
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
