import { field, list, num, optNum, str } from '../api/json';

/** One strategy under one prompt mode, from the `fidelity` rows of `./kvasir eval-strategies`'s JSON. */
export interface StrategyRow {
  setting: string;
  mode: string;
  status: string;
  message: string;
  kvBytesPerToken: number | null;
  sequencePeakKvBytes: number | null;
  /** The share of KV memory per sequence saved against the f32 reference of the same mode (0.5: half). */
  memorySaved: number | null;
  perplexity: number | null;
  top1Agreement: number | null;
  meanKl: number | null;
  decodeTokensPerSecond: number | null;
}

/**
 * The rows of the report with the memory each strategy saves: against the reference row's KV per sequence where
 * both were measured (this is where eviction shows), else from the codec's compression (`kvReduction`).
 */
export function strategyRows(report: unknown): StrategyRow[] {
  const raw = list(field(report, 'fidelity'));
  const reference = new Map<string, number>();
  for (const r of raw) {
    if (str(r, 'setting').startsWith('f32') && str(r, 'status') === 'ok') {
      const seq = optNum(r, 'sequencePeakKvBytes');
      if (seq !== null && seq > 0 && !reference.has(str(r, 'mode'))) {
        reference.set(str(r, 'mode'), seq);
      }
    }
  }
  return raw.map((r) => {
    const mode = str(r, 'mode');
    const seq = optNum(r, 'sequencePeakKvBytes');
    const ref = reference.get(mode);
    const reduction = optNum(r, 'kvReduction');
    const memorySaved = seq !== null && seq > 0 && ref !== undefined
      ? 1 - seq / ref
      : reduction !== null && reduction > 0 ? 1 - 1 / reduction : null;
    return {
      setting: str(r, 'setting'),
      mode,
      status: str(r, 'status', 'ok'),
      message: str(r, 'message'),
      kvBytesPerToken: optNum(r, 'kvBytesPerToken'),
      sequencePeakKvBytes: seq,
      memorySaved,
      perplexity: optNum(r, 'perplexity'),
      top1Agreement: optNum(r, 'top1Agreement'),
      meanKl: optNum(r, 'meanKl'),
      decodeTokensPerSecond: optNum(r, 'decodeTokensPerSecond'),
    };
  });
}

/** The report's heading facts. */
export function reportFacts(report: unknown): { model: string; threads: number; corpus: string; stories: number; tokens: number } {
  return {
    model: str(report, 'model'),
    threads: num(report, 'numThreads'),
    corpus: str(report, 'corpus'),
    stories: num(report, 'numStories'),
    tokens: num(report, 'numCorpusTokens'),
  };
}
