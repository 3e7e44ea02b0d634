import type { RequestContext } from '#bank/transport';
import { logger } from './powertools.ts';

/**
 * The security audit trail: one structured log line per security event (`"audit": true`, so a
 * CloudWatch Logs Insights query or metric filter finds them), kept as long as the function's logs.
 * Never a secret: ids, the client address and an outcome only; the logger's redaction backs that up.
 */
export type AuditEvent =
  | 'signup'
  | 'login'
  | 'login-failed'
  | 'login-throttled'
  | 'refresh-token-reuse'
  | 'logout'
  | 'logout-everywhere'
  | 'bank-linked'
  | 'bank-unlinked'
  | 'account-erased';

export interface AuditDetails {
  saverId?: string;
  /** The client's address, when a person is behind the request. */
  ip?: string;
  /** Why, for refusals: e.g. `unknown-email` vs `wrong-password` is NOT recorded (same answer to both). */
  reason?: string;
}

const auditLogger = logger.createChild({ persistentKeys: { audit: true } });

export function audit(event: AuditEvent, details: AuditDetails = {}): void {
  auditLogger.info(`audit: ${event}`, { event, ...details });
}

/** The client address of a request context, for the audit trail (none for unattended work). */
export const addressOf = (context: RequestContext): string | undefined =>
  context.kind === 'saver-present' ? context.userIp : undefined;

/** Tests turn the trail on while the rest of the logging stays silent. */
export const auditLogLevel = (level: 'INFO' | 'SILENT'): void => auditLogger.setLogLevel(level);
