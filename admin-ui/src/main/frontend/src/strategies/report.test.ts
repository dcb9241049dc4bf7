import { describe, expect, it } from 'vitest';
import { strategyRows } from './report';

const row = (setting: string, mode: string, kvReduction: number, sequencePeakKvBytes: number, status = 'ok') => ({
  setting, mode, status, message: status === 'ok' ? null : 'refused', codec: 'f32', eviction: 'none', kvBytesPerToken: 1280 / kvReduction,
  kvReduction, peakKvBytes: 0, sequencePeakKvBytes, numScoredTokens: 100, perplexity: 3.7, top1Agreement: 0.97, meanKl: 0.001,
  nearTieShareOfFlips: 0.5, decodeTokensPerSecond: 1000,
});

describe('strategyRows', () => {
  it("measures memory saved against the same mode's f32 reference per sequence", () => {
    const rows = strategyRows({ fidelity: [
      row('f32 (reference)', 'forced', 1, 532480), row('int8', 'forced', 2.67, 199680), row('h2o', 'forced', 1, 286720),
      row('f32 (reference)', 'split', 1, 266240), row('h2o', 'split', 1, 133120),
    ] });
    expect(rows.map((r) => [r.setting, r.mode, Number(r.memorySaved?.toFixed(3))])).toEqual([
      ['f32 (reference)', 'forced', 0], ['int8', 'forced', 0.625], ['h2o', 'forced', 0.462],
      ['f32 (reference)', 'split', 0], ['h2o', 'split', 0.5],
    ]);
  });

  it("falls back to the codec's compression when the reference is missing, and keeps not-run rows", () => {
    const rows = strategyRows({ fidelity: [row('int4-kivi', 'forced', 3.2, 0), row('snapkv', 'forced', 1, 0, 'not run')] });
    expect(rows[0].memorySaved).toBeCloseTo(1 - 1 / 3.2);
    expect(rows[1]).toMatchObject({ status: 'not run', message: 'refused' });
  });

  it('reads an empty report as no rows', () => {
    expect(strategyRows({})).toEqual([]);
  });
});
