import { type Clock, systemClock } from './clock.ts';
import type { ThrottleStore } from './login-throttle.ts';

interface ThrottleItem {
  count: number;
  lockedUntil?: Date;
  expiresAt: Date;
}

/** The ThrottleStore port in memory, honouring expiry like a TTL-aware DynamoDB reader, for tests. */
export class InMemoryThrottleStore implements ThrottleStore {
  readonly items = new Map<string, ThrottleItem>();
  private readonly now: Clock;

  constructor(now: Clock = systemClock) {
    this.now = now;
  }

  private live(key: string): ThrottleItem | undefined {
    const item = this.items.get(key);
    if (item && item.expiresAt.getTime() <= this.now().getTime()) {
      this.items.delete(key);
      return undefined;
    }
    return item;
  }

  async increment(key: string, expiresAt: Date): Promise<number> {
    const item = this.live(key) ?? { count: 0, expiresAt };
    item.count += 1;
    this.items.set(key, item);
    return item.count;
  }

  async getCount(key: string): Promise<number> {
    return this.live(key)?.count ?? 0;
  }

  async getLockedUntil(key: string): Promise<Date | undefined> {
    return this.live(key)?.lockedUntil;
  }

  async raiseLock(key: string, until: Date): Promise<void> {
    const item = this.live(key) ?? { count: 0, expiresAt: until };
    if (item.lockedUntil !== undefined && item.lockedUntil.getTime() >= until.getTime()) return;
    this.items.set(key, { ...item, lockedUntil: until, expiresAt: until });
  }

  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }
}
