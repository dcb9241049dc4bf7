import { useEffect, useState } from 'preact/hooks';
import { seg, type AdminClient } from '../api/client';
import { field, isObject, list, num, str } from '../api/json';
import { ErrorText, Status } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { formatBytes, formatNumber, formatPercent, formatTime } from '../format';
import { readModels } from './Overview';

/** `GET /admin/api/cache/{model}`: what the cache did for recent requests, the most shared prefixes, memory by tier. */
export interface CacheReport {
  recentRequests: {
    id: string; tenant: string; promptTokens: number; cachedTokens: number; generatedTokens: number; blocksHeld: number;
    evictedTokens: number; preemptions: number; finishReason: string; finishedAt: string;
  }[];
  topPrefixes: { blocks: number; tokens: number; hits: number; tenantGroup: string }[];
  /** Bytes held per tier, with the tier's capacity where it has one. */
  memoryByTier: { tier: string; bytes: number; capacity: number | null }[];
}

export function readCacheReport(raw: unknown): CacheReport {
  const tiers = field(raw, 'memoryByTier');
  const capacities = field(raw, 'memoryCapacityByTier');
  return {
    recentRequests: list(field(raw, 'recentRequests')).map((r) => ({
      id: str(r, 'id'), tenant: str(r, 'tenant'), promptTokens: num(r, 'promptTokens'), cachedTokens: num(r, 'cachedTokens'),
      generatedTokens: num(r, 'generatedTokens'), blocksHeld: num(r, 'blocksHeld'), evictedTokens: num(r, 'evictedTokens'),
      preemptions: num(r, 'preemptions'), finishReason: str(r, 'finishReason'), finishedAt: str(r, 'finishedAt'),
    })),
    topPrefixes: list(field(raw, 'topPrefixes')).map((p) => ({
      blocks: num(p, 'blocks'), tokens: num(p, 'tokens'), hits: num(p, 'hits'), tenantGroup: str(p, 'tenantGroup'),
    })),
    memoryByTier: isObject(tiers)
      ? Object.entries(tiers).map(([tier, bytes]) => ({
        tier,
        bytes: typeof bytes === 'number' ? bytes : 0,
        capacity: isObject(capacities) && typeof capacities[tier] === 'number' ? (capacities[tier] as number) : null,
      }))
      : [],
  };
}

/** The Cache page: refreshed every five seconds. */
export function Cache({ client }: { client: AdminClient }) {
  const models = useLoad(() => client.get<unknown>('/models').then(readModels), []);
  const [selected, setSelected] = useState('');
  const [tick, setTick] = useState(0);
  const model = selected || models.data?.[0]?.name || '';
  const report = useLoad(
    () => (model ? client.get<unknown>(`/cache/${seg(model)}`).then(readCacheReport) : Promise.resolve(null)),
    [model, tick],
  );
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  const data = report.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Cache</h1>
      <p>What the KV cache is doing: how much of each recent prompt came from the cache, what each request held and lost, which prefixes are shared most, and where the memory is.</p>
      <ErrorText error={models.error ?? report.error} />
      <div class="field inline">
        <label for="cache-model">Model</label>
        <select id="cache-model" value={model} onChange={(e) => setSelected(e.currentTarget.value)}>
          {(models.data ?? []).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
        </select>
        <button type="button" class="secondary" onClick={() => setTick((t) => t + 1)}>Refresh</button>
      </div>
      <Status>{report.loading ? 'Loading…' : data ? `Updated ${new Date().toLocaleTimeString()}.` : ''}</Status>
      {data ? (
        <>
          <h2>Memory by tier</h2>
          <table class="compact">
            <caption>KV memory held in each tier</caption>
            <thead><tr><th scope="col">Tier</th><th scope="col">Held</th><th scope="col">Capacity</th><th scope="col">Used</th></tr></thead>
            <tbody>
              {data.memoryByTier.map(({ tier, bytes, capacity }) => (
                <tr key={tier}>
                  <th scope="row">{tier}</th><td>{formatBytes(bytes)}</td>
                  <td>{capacity === null ? '—' : formatBytes(capacity)}</td>
                  <td>
                    <span class="bar" style={{ width: `${capacity ? Math.min(100, (bytes / capacity) * 100) : 0}%` }} aria-hidden="true" />
                    {formatPercent(capacity ? bytes / capacity : null)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Recent requests</h2>
          <table>
            <caption>The cache's part in recent requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Request</th><th scope="col">Tenant</th><th scope="col">Prompt tokens</th><th scope="col">Cached tokens</th>
                <th scope="col">Cached share</th><th scope="col">Generated</th><th scope="col">Blocks held</th><th scope="col">Evicted tokens</th>
                <th scope="col">Preemptions</th><th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {data.recentRequests.length === 0 ? <tr><td colSpan={10}>No requests yet.</td></tr> : data.recentRequests.map((r) => (
                <tr key={r.id}>
                  <th scope="row"><code>{r.id}</code></th><td>{r.tenant}</td><td>{formatNumber(r.promptTokens)}</td>
                  <td>{formatNumber(r.cachedTokens)}</td><td>{formatPercent(r.promptTokens > 0 ? r.cachedTokens / r.promptTokens : null)}</td>
                  <td>{formatNumber(r.generatedTokens)}</td><td>{formatNumber(r.blocksHeld)}</td><td>{formatNumber(r.evictedTokens)}</td>
                  <td>{formatNumber(r.preemptions)}</td><td>{formatTime(r.finishedAt)}{r.finishReason ? ` (${r.finishReason})` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Most shared prefixes</h2>
          <table>
            <caption>Cached prefixes by hits</caption>
            <thead><tr><th scope="col">Rank</th><th scope="col">Tokens</th><th scope="col">Blocks</th><th scope="col">Hits</th><th scope="col">Tenant group</th></tr></thead>
            <tbody>
              {data.topPrefixes.length === 0 ? <tr><td colSpan={5}>No shared prefixes yet.</td></tr> : data.topPrefixes.map((p, i) => (
                <tr key={i}>
                  <th scope="row">{i + 1}</th><td>{formatNumber(p.tokens)}</td><td>{formatNumber(p.blocks)}</td>
                  <td>{formatNumber(p.hits)}</td><td>{p.tenantGroup || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
