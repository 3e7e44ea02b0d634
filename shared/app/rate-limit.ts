import type { ThrottleStore } from '#auth/login-throttle';
import { Throttled } from './errors.ts';

export interface RateLimit {
  /** Calls allowed per window. */
  limit: number;
  windowSeconds: number;
}

/** Sign-ups per client address (API6: bot sign-ups). */
export const SIGNUPS_PER_ADDRESS: RateLimit = { limit: 20, windowSeconds: 60 };
/** Calls to one personal webhook, counted before its secret is checked (guessing and floods). */
export const WEBHOOK_CALLS_PER_HOOK: RateLimit = { limit: 10, windowSeconds: 60 };
/** Saver-present bank syncs per saver: each costs Nordea calls from the app's shared limit. */
export const BANK_SYNCS_PER_SAVER: RateLimit = { limit: 10, windowSeconds: 3600 };

/**
 * Fixed-window counters in the throttle store (one atomic ADD per call, expiring with the window):
 * `check` counts the call and refuses it with 429 and the seconds left once the window is full.
 */
export function createRateLimiter(counters: Pick<ThrottleStore, 'increment'>, now: () => Date) {
  return {
    async check(key: string, { limit, windowSeconds }: RateLimit): Promise<void> {
      const at = now().getTime();
      const window = Math.floor(at / (windowSeconds * 1000));
      const windowEnd = (window + 1) * windowSeconds * 1000;
      const count = await counters.increment(`rate#${key}#${windowSeconds}#${window}`, new Date(windowEnd));
      if (count > limit) throw new Throttled(Math.max(1, Math.ceil((windowEnd - at) / 1000)));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
