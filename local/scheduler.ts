import type { ScheduledJob, ScheduledJobEvent } from '#stacks/definitions';
import { lambdaContext, loadHandler } from './lambda-runtime.ts';

export async function invokeScheduledJob(job: ScheduledJob, scheduledTime = new Date()): Promise<unknown> {
  const handler = await loadHandler(job.entry);
  const event: ScheduledJobEvent = { job: job.name, scheduledTime: scheduledTime.toISOString() };
  return handler(event, lambdaContext(job.entry, 900_000));
}

/**
 * Fires the scheduled handlers on the same rates EventBridge Scheduler uses in AWS, `speedUp` times
 * faster for demos. A run that is still going when the next tick comes is not overlapped.
 */
export class LocalScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly kickOffs: NodeJS.Timeout[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly speedUp = 1,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    if (!(speedUp >= 1)) throw new Error('speedUp must be at least 1');
  }

  /**
   * Starts the rates. Jobs named in `runOnceAfter` also run once that many milliseconds after start
   * (e.g. dispatch-syncs, so a fresh system syncs within a minute instead of after its first interval);
   * only jobs that are safe to run at any time belong there.
   */
  start(runOnceAfter: Readonly<Record<string, number>> = {}): void {
    for (const [name, delayMs] of Object.entries(runOnceAfter)) {
      const job = this.jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`No scheduled job named ${name}`);
      this.kickOffs.push(setTimeout(() => this.fire(job), delayMs));
    }
    for (const job of this.jobs) {
      const intervalMs = Math.max(100, (job.everyMinutes * 60_000) / this.speedUp);
      this.timers.push(setInterval(() => this.fire(job), intervalMs));
    }
  }

  private fire(job: ScheduledJob): void {
    if (this.inFlight.has(job.name)) return;
    const run = invokeScheduledJob(job)
      .catch((error: unknown) =>
        this.log(`${job.name} failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => this.inFlight.delete(job.name));
    this.inFlight.set(job.name, run);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const timer of this.kickOffs) clearTimeout(timer);
    this.timers.length = 0;
    this.kickOffs.length = 0;
    await Promise.allSettled(this.inFlight.values());
  }
}
