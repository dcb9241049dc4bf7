import { describe, expect, it } from 'vitest';
import { diffRows, diffSummary, fieldLabel, formatValue, readDiff } from './diff';

describe('readDiff', () => {
  it('reads the contract shape', () => {
    const diff = readDiff({ changes: [{ field: 'plugins.codec', from: { name: 'f32', config: {} }, to: { name: 'int8', config: {} }, effect: 'drain' }], needsDrain: true });
    expect(diff.needsDrain).toBe(true);
    expect(diff.changes[0]).toMatchObject({ field: 'plugins.codec', effect: 'drain' });
  });

  it("reads the engine's ProfileDiff shape (before/after, upper-case effect) and derives needsDrain", () => {
    const diff = readDiff({ changes: [
      { field: 'plugins.scheduling', before: { name: 'fcfs', config: {} }, after: { name: 'vtc', config: {} }, effect: 'LIVE', reason: 'picks waiting requests from the next step' },
      { field: 'blockSize', before: 16, after: 32, effect: 'DRAIN', reason: 'reshapes the KV pool' },
    ] });
    expect(diff.needsDrain).toBe(true);
    expect(diff.changes.map((c) => c.effect)).toEqual(['live', 'drain']);
    expect(diff.changes[1].from).toBe(16);
    expect(readDiff({ changes: [{ field: 'maxWaitingRequests', before: 1, after: 2, effect: 'LIVE' }] }).needsDrain).toBe(false);
  });

  it('reads nothing from nonsense', () => {
    expect(readDiff(null)).toEqual({ changes: [], needsDrain: false });
  });
});

describe('rendering a diff', () => {
  it('shows plugins by name with their settings, sizes in binary units, absent values as a dash', () => {
    expect(formatValue('plugins.codec', { name: 'int8', config: {} })).toBe('int8');
    expect(formatValue('plugins.eviction', { name: 'h2o', config: { budget_fraction: 0.5, recent_tokens: 64 } })).toBe('h2o (budget_fraction=0.5, recent_tokens=64)');
    expect(formatValue('kvCacheBytes', 268435456)).toBe('256 MiB');
    expect(formatValue('plugins.eviction.config.window', null)).toBe('—');
    expect(formatValue('blockSize', 16)).toBe('16');
  });

  it('names fields for people', () => {
    expect(fieldLabel('plugins.eviction.config.window_tokens')).toBe('Eviction › window_tokens');
    expect(fieldLabel('plugins.prefixIndex')).toBe('Prefix index');
    expect(fieldLabel('maxBatchTokens')).toBe('Max batch tokens');
  });

  it('renders one row per change with its effect', () => {
    const rows = diffRows(readDiff({ changes: [
      { field: 'plugins.codec', from: { name: 'f32', config: {} }, to: { name: 'int8', config: {} }, effect: 'drain', reason: 'reshapes the KV pool' },
      { field: 'maxRunningRequests', from: 32, to: 16, effect: 'live' },
    ] }));
    expect(rows).toEqual([
      { field: 'Codec', from: 'f32', to: 'int8', effect: 'Drain: new instance', reason: 'reshapes the KV pool' },
      { field: 'Max running requests', from: '32', to: '16', effect: 'Live: next step', reason: '' },
    ]);
  });

  it('says whether applying drains, is live, or does nothing', () => {
    expect(diffSummary({ changes: [], needsDrain: false })).toBe('No changes: applying this profile is a no-op.');
    const drain = diffSummary(readDiff({ changes: [{ field: 'plugins.codec', from: 'f32', to: 'int8', effect: 'drain' }] }));
    expect(drain).toMatch(/^1 change\. Needs a drain: a new engine instance starts/);
    const live = diffSummary(readDiff({ changes: [{ field: 'a', effect: 'live' }, { field: 'b', effect: 'live' }] }));
    expect(live).toMatch(/^2 changes\. Applied live at the next engine step/);
  });
});
