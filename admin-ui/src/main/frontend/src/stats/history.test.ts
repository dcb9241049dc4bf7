import { describe, expect, it } from 'vitest';
import { epochSeconds, readStats, StatsHistory } from './history';

const event = (time: unknown, models: Record<string, unknown>, tenants: Record<string, unknown> = {}) => readStats({ time, models, tenants }, 0);

describe('readStats', () => {
  it('reads every figure of a model and tenant', () => {
    const s = readStats({
      time: '2026-01-01T00:00:01Z',
      models: { tiny: { tokensPerSecond: 120.5, requestsPerSecond: 2, ttftMs: { p50: 10, p90: 20, p99: 30 }, itlMs: { p50: 1, p90: 2, p99: 3 },
        kvBlocksUsed: 10, kvBlocksFree: 90, kvBlocksCached: 4, prefixHitRate: 0.25, preemptions: 1, queueDepth: 3, running: 2, waiting: 1 } },
      tenants: { acme: { tokensPerSecond: 60, share: 0.5, fairShare: 0.4 } },
    });
    expect(s.time).toBe(Date.parse('2026-01-01T00:00:01Z') / 1000);
    expect(s.models.tiny.ttftMs).toEqual({ p50: 10, p90: 20, p99: 30 });
    expect(s.models.tiny.prefixHitRate).toBe(0.25);
    expect(s.tenants.acme).toEqual({ tokensPerSecond: 60, share: 0.5, fairShare: 0.4 });
  });

  it('reads missing or malformed figures as null', () => {
    const s = readStats({ models: { tiny: { tokensPerSecond: 'fast', ttftMs: null } } }, 42);
    expect(s.time).toBe(42);
    expect(s.models.tiny.tokensPerSecond).toBeNull();
    expect(s.models.tiny.ttftMs).toEqual({ p50: null, p90: null, p99: null });
  });

  it('takes epoch seconds or milliseconds', () => {
    expect(epochSeconds(1700000000, 0)).toBe(1700000000);
    expect(epochSeconds(1700000000123, 0)).toBe(1700000000.123);
    expect(epochSeconds('not a time', 5)).toBe(5);
  });
});

describe('StatsHistory', () => {
  it('keeps the newest samples up to its capacity', () => {
    const h = new StatsHistory(3);
    for (let t = 1; t <= 5; t++) {
      h.add(event(t, { m: { tokensPerSecond: t * 10 } }));
    }
    expect(h.times()).toEqual([3, 4, 5]);
    expect(h.modelSeries('m', (m) => m.tokensPerSecond)).toEqual([30, 40, 50]);
  });

  it('leaves gaps where a model or tenant is missing', () => {
    const h = new StatsHistory();
    h.add(event(1, { a: { tokensPerSecond: 1 } }, { t1: { share: 0.5 } }));
    h.add(event(2, { a: { tokensPerSecond: 2 }, b: { tokensPerSecond: 5 } }));
    expect(h.modelNames()).toEqual(['a', 'b']);
    expect(h.modelSeries('b', (m) => m.tokensPerSecond)).toEqual([null, 5]);
    expect(h.tenantSeries('t1', (t) => t.share)).toEqual([0.5, null]);
  });

  it('replaces the last sample when time does not move forward, so the x axis stays sorted', () => {
    const h = new StatsHistory();
    h.add(event(10, { a: { tokensPerSecond: 1 } }));
    h.add(event(9, { a: { tokensPerSecond: 2 } }));
    expect(h.times()).toEqual([10]);
    expect(h.latest()?.models.a.tokensPerSecond).toBe(2);
  });

  it('refuses a capacity below one', () => {
    expect(() => new StatsHistory(0)).toThrow();
  });
});
