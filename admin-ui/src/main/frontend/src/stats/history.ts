import { field, isObject, optNum } from '../api/json';

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** One model's figures in one stats event. */
export interface ModelSample {
  tokensPerSecond: number | null;
  requestsPerSecond: number | null;
  ttftMs: Percentiles;
  itlMs: Percentiles;
  kvBlocksUsed: number | null;
  kvBlocksFree: number | null;
  kvBlocksCached: number | null;
  prefixHitRate: number | null;
  preemptions: number | null;
  queueDepth: number | null;
  running: number | null;
  waiting: number | null;
}

/** One tenant's share of service in one stats event. */
export interface TenantSample {
  tokensPerSecond: number | null;
  share: number | null;
  fairShare: number | null;
}

export interface StatsSample {
  /** Seconds since the epoch. */
  time: number;
  models: Record<string, ModelSample>;
  tenants: Record<string, TenantSample>;
}

function percentiles(raw: unknown): Percentiles {
  return { p50: optNum(raw, 'p50'), p90: optNum(raw, 'p90'), p99: optNum(raw, 'p99') };
}

/** Seconds since the epoch from an ISO text, epoch seconds or epoch milliseconds; `now` when absent. */
export function epochSeconds(value: unknown, now: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value > 1e11 ? value / 1000 : value;
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) {
      return ms / 1000;
    }
  }
  return now;
}

/** Reads the JSON of one `stats` event. */
export function readStats(raw: unknown, now = Date.now() / 1000): StatsSample {
  const models: Record<string, ModelSample> = {};
  const rawModels = field(raw, 'models');
  if (isObject(rawModels)) {
    for (const [name, m] of Object.entries(rawModels)) {
      models[name] = {
        tokensPerSecond: optNum(m, 'tokensPerSecond'),
        requestsPerSecond: optNum(m, 'requestsPerSecond'),
        ttftMs: percentiles(field(m, 'ttftMs')),
        itlMs: percentiles(field(m, 'itlMs')),
        kvBlocksUsed: optNum(m, 'kvBlocksUsed'),
        kvBlocksFree: optNum(m, 'kvBlocksFree'),
        kvBlocksCached: optNum(m, 'kvBlocksCached'),
        prefixHitRate: optNum(m, 'prefixHitRate'),
        preemptions: optNum(m, 'preemptions'),
        queueDepth: optNum(m, 'queueDepth'),
        running: optNum(m, 'running'),
        waiting: optNum(m, 'waiting'),
      };
    }
  }
  const tenants: Record<string, TenantSample> = {};
  const rawTenants = field(raw, 'tenants');
  if (isObject(rawTenants)) {
    for (const [id, t] of Object.entries(rawTenants)) {
      tenants[id] = { tokensPerSecond: optNum(t, 'tokensPerSecond'), share: optNum(t, 'share'), fairShare: optNum(t, 'fairShare') };
    }
  }
  return { time: epochSeconds(field(raw, 'time'), now), models, tenants };
}

/**
 * The last `capacity` stats samples, oldest first, as column arrays for the charts. A model or tenant missing from
 * a sample has null there (a gap in its line). Samples that do not move time forward replace the last one.
 */
export class StatsHistory {
  private readonly samples: StatsSample[] = [];

  constructor(readonly capacity = 300) {
    if (capacity < 1) {
      throw new Error('capacity must be at least 1');
    }
  }

  add(sample: StatsSample): void {
    const last = this.samples[this.samples.length - 1];
    if (last && sample.time <= last.time) {
      this.samples[this.samples.length - 1] = { ...sample, time: last.time };
    } else {
      this.samples.push(sample);
    }
    if (this.samples.length > this.capacity) {
      this.samples.splice(0, this.samples.length - this.capacity);
    }
  }

  get size(): number {
    return this.samples.length;
  }

  latest(): StatsSample | null {
    return this.samples[this.samples.length - 1] ?? null;
  }

  times(): number[] {
    return this.samples.map((s) => s.time);
  }

  /** Every model seen in the window, sorted. */
  modelNames(): string[] {
    return [...new Set(this.samples.flatMap((s) => Object.keys(s.models)))].sort();
  }

  tenantIds(): string[] {
    return [...new Set(this.samples.flatMap((s) => Object.keys(s.tenants)))].sort();
  }

  modelSeries(model: string, metric: (m: ModelSample) => number | null): (number | null)[] {
    return this.samples.map((s) => (s.models[model] ? metric(s.models[model]) : null));
  }

  tenantSeries(tenant: string, metric: (t: TenantSample) => number | null): (number | null)[] {
    return this.samples.map((s) => (s.tenants[tenant] ? metric(s.tenants[tenant]) : null));
  }
}

