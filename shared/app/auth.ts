import type { AccessTokens } from '#auth/access-tokens';
import type { LoginThrottle, ThrottleStore } from '#auth/login-throttle';
import { hashPassword, needsRehash, verifyPasswordOrDummy } from '#auth/password';
import { checkPasswordPolicy } from '#auth/password-policy';
import type { RefreshGrant, RefreshSessions } from '#auth/refresh-sessions';
import { defaultSaverSettings } from '#domain/settings';
import { audit } from '#observability/audit';
import type { SaverRepository } from '#store/saver-repository';
import { Conflict, InvalidCredentials, NotAuthenticated, RuleViolation, Throttled } from './errors.ts';
import { createRateLimiter, SIGNUPS_PER_ADDRESS } from './rate-limit.ts';

export interface AuthDependencies {
  savers: Pick<
    SaverRepository,
    'createLogin' | 'getLogin' | 'updatePasswordHash' | 'createProfile' | 'endSessionsBefore'
  >;
  sessions: RefreshSessions;
  throttle: LoginThrottle;
  /** For the sign-up rate per client address. */
  counters: Pick<ThrottleStore, 'increment'>;
  tokens: AccessTokens;
  newId: () => string;
  now: () => Date;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface SessionStarted {
  accessToken: string;
  expiresIn: number;
  user: { id: string; email: string };
  refresh: RefreshGrant;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function createAuth(dependencies: AuthDependencies) {
  const { savers, sessions, throttle, counters, tokens, newId, now } = dependencies;
  const limiter = createRateLimiter(counters, now);

  const startSession = async (saverId: string, email: string): Promise<SessionStarted> => {
    const [issued, refresh] = await Promise.all([tokens.issue(saverId), sessions.start(saverId)]);
    return {
      accessToken: issued.accessToken,
      expiresIn: issued.expiresIn,
      user: { id: saverId, email },
      refresh,
    };
  };

  return {
    async signup(credentials: Credentials, clientAddress: string): Promise<SessionStarted> {
      const email = normalizeEmail(credentials.email);
      await limiter.check(`signup#${clientAddress}`, SIGNUPS_PER_ADDRESS);

      const violations = checkPasswordPolicy(credentials.password, { email });
      if (violations.length > 0) {
        throw new RuleViolation(
          'The password does not meet the password rules.',
          violations.map((violation) => ({
            pointer: '/password',
            detail: violation.detail,
            code: violation.code,
          })),
        );
      }
      const saverId = newId();
      const createdAt = now().toISOString();
      const passwordHash = await hashPassword(credentials.password);
      if (!(await savers.createLogin({ email, saverId, passwordHash, createdAt }))) {
        throw new Conflict('An account with this email already exists. Log in instead.');
      }
      await savers.createProfile({
        saverId,
        settings: defaultSaverSettings(email),
        createdAt,
        updatedAt: createdAt,
      });
      audit('signup', { saverId, ip: clientAddress });
      return startSession(saverId, email);
    },

    async login(credentials: Credentials, clientAddress: string): Promise<SessionStarted> {
      const email = normalizeEmail(credentials.email);
      const attempt = { email, clientAddress };
      const decision = await throttle.check(attempt);
      if (!decision.allowed) {
        audit('login-throttled', { ip: clientAddress });
        throw new Throttled(decision.retryAfterSeconds);
      }

      const login = await savers.getLogin(email);
      // Unknown email and wrong password cost the same derivation and give the same answer.
      const valid = await verifyPasswordOrDummy(credentials.password, login?.passwordHash);
      if (!login || !valid) {
        // The saver id only when the account exists: no email in the trail either way.
        audit('login-failed', { ...(login ? { saverId: login.saverId } : {}), ip: clientAddress });
        const after = await throttle.recordFailure(attempt);
        if (!after.allowed) throw new Throttled(after.retryAfterSeconds);
        throw new InvalidCredentials();
      }
      await throttle.recordSuccess({ email });
      if (needsRehash(login.passwordHash)) {
        await savers.updatePasswordHash(email, login.saverId, await hashPassword(credentials.password));
      }
      audit('login', { saverId: login.saverId, ip: clientAddress });
      return startSession(login.saverId, email);
    },

    async refresh(
      refreshToken: string | undefined,
    ): Promise<Omit<SessionStarted, 'user'> & { saverId: string }> {
      if (!refreshToken) throw new NotAuthenticated('No session. Log in again.');
      const result = await sessions.rotate(refreshToken);
      if (!result.ok) {
        // A rotated token shown again: a copy exists elsewhere, and its whole family was just ended.
        if (result.reason === 'reused') audit('refresh-token-reuse', { saverId: result.subject });
        throw new NotAuthenticated('The session has ended. Log in again.');
      }
      const issued = await tokens.issue(result.grant.subject);
      return {
        accessToken: issued.accessToken,
        expiresIn: issued.expiresIn,
        saverId: result.grant.subject,
        refresh: result.grant,
      };
    },

    async logout(refreshToken: string | undefined): Promise<void> {
      if (!refreshToken) return;
      await sessions.logout(refreshToken);
      audit('logout');
    },

    /**
     * Ends every session of the saver, on every device: each refresh family is revoked and access
     * tokens issued before this second are refused from now on (those of this very second stay
     * valid, so a login right after is not caught by it).
     */
    async logoutEverywhere(saverId: string): Promise<void> {
      const thisSecond = new Date(Math.floor(now().getTime() / 1000) * 1000).toISOString();
      await savers.endSessionsBefore(saverId, thisSecond);
      await sessions.revokeAll(saverId);
      audit('logout-everywhere', { saverId });
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
