/**
 * Client-side pacing under Nordea's per-app limits (Personal AIS 20/s, PIS 100/s; authorization calls
 * count as AIS). Nordea does not queue excess calls, it refuses them with 429, so the client waits for a
 * free slot instead. A deployment with several processes shares the limit: inject a shared pacer there.
 */

export type ApiProduct = 'ais' | 'pis';

/**
 * Port: resolves when one more call of `product` may be sent now, with a function to call once the call's
 * answer (or failure) has arrived.
 */
export interface CallPacer {
  acquire(product: ApiProduct): Promise<() => void>;
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
 * The gateway counts a call when it arrives, which may be well after we sent it (a cold connection, a
 * busy event loop), so a released slot's window starts when the call's answer arrived. The answer
 * always comes after the gateway counted the call, so a full second from the answer never overlaps
 * the gateway's second, and the pacer need not give away more of the budget than that.
 */
export class SlidingWindowPacer implements CallPacer {
  /** Per product, when each recent call was sent, or answered once its caller released it. */
  private readonly slots = new Map<ApiProduct, { at: number }[]>();
  private readonly queueTail = new Map<ApiProduct, Promise<void>>();
  private readonly limits: Readonly<Record<ApiProduct, number>>;
  private readonly windowMs: number;
  private readonly clock: PacerClock;

  constructor(
    limits: Readonly<Record<ApiProduct, number>>,
    options: { windowMs?: number; clock?: PacerClock } = {},
  ) {
    this.limits = limits;
    this.windowMs = options.windowMs ?? 1_000;
    this.clock = options.clock ?? realClock;
  }

  acquire(product: ApiProduct): Promise<() => void> {
    // Callers are served in arrival order, one slot each.
    const turn = (this.queueTail.get(product) ?? Promise.resolve()).then(() => this.takeSlot(product));
    this.queueTail.set(
      product,
      turn.then(
        () => {},
        () => {},
      ),
    );
    return turn;
  }

  private async takeSlot(product: ApiProduct): Promise<() => void> {
    const limit = this.limits[product];
    for (;;) {
      const now = this.clock.now();
      const recent = (this.slots.get(product) ?? []).filter((slot) => now - slot.at < this.windowMs);
      if (recent.length < limit) {
        const slot = { at: now };
        recent.push(slot);
        this.slots.set(product, recent);
        return () => {
          slot.at = Math.max(slot.at, this.clock.now());
        };
      }
      this.slots.set(product, recent);
      const earliest = Math.min(...recent.map((slot) => slot.at));
      await this.clock.sleep(earliest + this.windowMs - now);
    }
  }
}

/** No pacing, for callers that pace elsewhere. */
export const UNPACED: CallPacer = Object.freeze({ acquire: async () => () => {} });
