import { createRandom, hashSeed, type Random } from './random.ts';

/** Fault injection for tests: what can go wrong between a client and the bank. */

export type FaultType =
  | 'latency'
  | 'status'
  | 'timeout'
  | 'commit-then-drop'
  | 'commit-then-status'
  | 'replace-body';

export interface FaultRule {
  id: string;
  type: FaultType;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** Only requests whose path (without `/personal`) contains this text (any when absent). */
  path?: string;
  /** For `status`: 429 (IBM gateway shape) or 5xx; for `commit-then-status`: the 5xx sent after committing. */
  status?: number;
  /** For `replace-body`: the JSON answered instead of the real one (a hostile or broken payload). */
  body?: unknown;
  latencyMs?: number;
  retryAfterSeconds?: number;
  /** How many more requests this fault affects; unlimited when absent. */
  remaining?: number;
  /** Chance in [0, 1] that a matching request is affected (deterministic sequence per simulator seed). */
  probability: number;
}

export type FaultInput = Record<string, unknown>;

export class FaultInjector {
  private rules: FaultRule[] = [];
  private sequence = 0;
  private readonly random: Random;

  constructor(seed: number) {
    this.random = createRandom(hashSeed(seed, 'faults'));
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  clear(): void {
    this.rules = [];
  }

  /** Parses one admin fault description; returns an error message when it is not understood. */
  add(input: FaultInput): FaultRule | string {
    const rawType = String(input.type ?? '');
    let type: FaultType;
    let status: number | undefined;
    if (
      rawType === 'latency' ||
      rawType === 'timeout' ||
      rawType === 'commit-then-drop' ||
      rawType === 'commit-then-status' ||
      rawType === 'replace-body' ||
      rawType === 'status'
    ) {
      type = rawType;
    } else if (rawType === '429') {
      type = 'status';
      status = 429;
    } else if (rawType === '5xx') {
      type = 'status';
      status = 500;
    } else {
      return `unknown fault type "${rawType}" (latency, 429, 5xx, status, timeout, commit-then-drop, commit-then-status, replace-body)`;
    }
    if (input.status !== undefined) status = Number(input.status);
    if (type === 'commit-then-status') {
      status ??= 500;
      if (!(status >= 500 && status <= 599)) return 'commit-then-status faults need a 5xx status';
    }
    if (type === 'replace-body' && input.body === undefined) return 'replace-body faults need a body';
    if (
      type === 'status' &&
      (status === undefined || !(status === 429 || (status >= 500 && status <= 599)))
    ) {
      return 'status faults need status 429 or 5xx';
    }
    const latencyMs = input.latency_ms === undefined ? undefined : Number(input.latency_ms);
    if (type === 'latency' && (latencyMs === undefined || !Number.isFinite(latencyMs) || latencyMs < 0)) {
      return 'latency faults need latency_ms >= 0';
    }
    const probability = input.probability === undefined ? 1 : Number(input.probability);
    if (!(probability >= 0 && probability <= 1)) return 'probability must be within [0, 1]';
    const times = input.times === undefined ? undefined : Number(input.times);
    if (times !== undefined && !(Number.isInteger(times) && times > 0))
      return 'times must be a positive integer';
    let method = typeof input.method === 'string' ? input.method.toUpperCase() : undefined;
    let path = typeof input.path === 'string' ? input.path : undefined;
    // Commit-then-drop (or -status) is about payment creation unless the test aims it elsewhere.
    if (
      (type === 'commit-then-drop' || type === 'commit-then-status') &&
      method === undefined &&
      path === undefined
    ) {
      method = 'POST';
      path = '/v5/payments';
    }
    this.sequence += 1;
    const rule: FaultRule = {
      id: `fault-${this.sequence}`,
      type,
      probability,
      ...(method ? { method } : {}),
      ...(path ? { path } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(input.retry_after_seconds !== undefined
        ? { retryAfterSeconds: Number(input.retry_after_seconds) }
        : {}),
      ...(times !== undefined ? { remaining: times } : {}),
      ...(type === 'replace-body' ? { body: input.body } : {}),
    };
    this.rules.push(rule);
    return rule;
  }

  /** The faults that fire for this request, consuming their `times` budget. */
  select(method: string, path: string): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !path.includes(rule.path)) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.probability < 1 && this.random.next() >= rule.probability) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      fired.push(rule);
    }
    this.rules = this.rules.filter((rule) => rule.remaining === undefined || rule.remaining > 0);
    return fired;
  }
}

export function renderFault(rule: FaultRule): Record<string, unknown> {
  return {
    id: rule.id,
    type: rule.type,
    method: rule.method,
    path: rule.path,
    status: rule.status,
    latency_ms: rule.latencyMs,
    retry_after_seconds: rule.retryAfterSeconds,
    times: rule.remaining,
    probability: rule.probability,
  };
}

/** Sliding one-second window per app and API product (Nordea: 20/s AIS, 100/s PIS, excess not queued). */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly limits: { ais: number; pis: number }) {}

  limitFor(product: 'ais' | 'pis'): number {
    return this.limits[product];
  }

  /** Records the call and returns the remaining allowance, or undefined when the call must be refused. */
  take(clientId: string, product: 'ais' | 'pis', nowMs: number): number | undefined {
    const key = `${clientId}/${product}`;
    const window = (this.windows.get(key) ?? []).filter((at) => nowMs - at < 1_000);
    const limit = this.limits[product];
    if (window.length >= limit) {
      this.windows.set(key, window);
      return undefined;
    }
    window.push(nowMs);
    this.windows.set(key, window);
    return limit - window.length;
  }
}
