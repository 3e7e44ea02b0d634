import { describe, expect, it } from 'vitest';
import { type PacerClock, SlidingWindowPacer } from '#bank/pacing';

function fakeClock(): PacerClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(milliseconds) {
      sleeps.push(milliseconds);
      now += milliseconds;
    },
  };
}

describe('SlidingWindowPacer', () => {
  it('lets the limit through at once and holds the next call until the window has room', async () => {
    const clock = fakeClock();
    const pacer = new SlidingWindowPacer({ ais: 3, pis: 100 }, { windowMs: 1_000, clock });
    const sentAt: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, async () => {
        await pacer.acquire('ais');
        sentAt.push(clock.now());
      }),
    );
    expect(sentAt).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
    // Any window of 1 s holds at most 3 calls.
    for (const start of sentAt) {
      expect(sentAt.filter((at) => at >= start && at < start + 1_000).length).toBeLessThanOrEqual(3);
    }
  });

  it('paces each product separately', async () => {
    const clock = fakeClock();
    const pacer = new SlidingWindowPacer({ ais: 1, pis: 2 }, { windowMs: 1_000, clock });
    await pacer.acquire('ais');
    await pacer.acquire('pis');
    await pacer.acquire('pis');
    expect(clock.sleeps).toEqual([]);
    await pacer.acquire('ais');
    expect(clock.sleeps).toEqual([1_000]);
  });
});
