/**
 * Client-side pacing under Nordea's per-app limits (Personal AIS 20/s, PIS 100/s; authorization calls
 * count as AIS). Nordea does not queue excess calls, it refuses them with 429, so the client waits for a
 * free slot instead. A deployment with several processes shares the limit: inject a shared pacer there.
 */

export type ApiProduct = 'ais' | 'pis';

/** Port: resolves when one more call of `product` may be sent now. */
export interface CallPacer {
  acquire(product: ApiProduct): Promise<void>;
}

export interface PacerClock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (milliseconds) =>
    new Promise((resolve) => {
      setTimeout(resolve, milliseconds);
    }),
};

/**
 * At most `limits[product]` calls in any window of `windowMs` (a sliding window, as the gateway counts).
 * The window is a little longer than a second so that network jitter cannot push a burst into one
 * gateway second.
 */
export class SlidingWindowPacer implements CallPacer {
  private readonly sentAt = new Map<ApiProduct, number[]>();
  private readonly queueTail = new Map<ApiProduct, Promise<void>>();
  private readonly limits: Readonly<Record<ApiProduct, number>>;
  private readonly windowMs: number;
  private readonly clock: PacerClock;

  constructor(
    limits: Readonly<Record<ApiProduct, number>>,
    options: { windowMs?: number; clock?: PacerClock } = {},
  ) {
    this.limits = limits;
    this.windowMs = options.windowMs ?? 1_100;
    this.clock = options.clock ?? realClock;
  }

  acquire(product: ApiProduct): Promise<void> {
    // Callers are served in arrival order, one slot each.
    const turn = (this.queueTail.get(product) ?? Promise.resolve()).then(() => this.takeSlot(product));
    this.queueTail.set(
      product,
      turn.catch(() => {}),
    );
    return turn;
  }

  private async takeSlot(product: ApiProduct): Promise<void> {
    const limit = this.limits[product];
    for (;;) {
      const now = this.clock.now();
      const recent = (this.sentAt.get(product) ?? []).filter((at) => now - at < this.windowMs);
      const oldest = recent[0];
      if (recent.length < limit || oldest === undefined) {
        recent.push(now);
        this.sentAt.set(product, recent);
        return;
      }
      this.sentAt.set(product, recent);
      await this.clock.sleep(oldest + this.windowMs - now);
    }
  }
}

/** No pacing, for callers that pace elsewhere. */
export const UNPACED: CallPacer = Object.freeze({ acquire: async () => {} });
