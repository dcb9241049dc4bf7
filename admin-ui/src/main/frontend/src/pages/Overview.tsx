import type { AdminClient } from '../api/client';
import { field, list, num, optNum, str } from '../api/json';
import { Chart } from '../components/Chart';
import { ErrorText, Status } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { formatNumber, formatPercent } from '../format';
import { describeStream, useFeed, type StatsFeed } from '../stats/feed';
import type { ModelSample, StatsHistory } from '../stats/history';

const COLORS = { a: '#1f5fbf', b: '#c2410c', c: '#15803d', d: '#7e22ce' };

/** The model list's shape (`GET /admin/api/models`). */
export interface ModelSummary {
  name: string;
  file: string;
  profileVersion: number | null;
  instances: { id: string; state: string; runningRequests: number; kvMemoryBytes: number | null }[];
}

export function readModels(raw: unknown): ModelSummary[] {
  return list(raw).map((m) => ({
    name: str(m, 'name'),
    file: str(m, 'file'),
    profileVersion: typeof field(m, 'profileVersion') === 'number' ? num(m, 'profileVersion') : null,
    instances: list(field(m, 'instances')).map((i) => ({
      id: str(i, 'id'),
      state: str(i, 'state'),
      runningRequests: num(i, 'runningRequests'),
      kvMemoryBytes: optNum(i, 'kvMemoryBytes'),
    })),
  }));
}

function ModelCharts({ name, history }: { name: string; history: StatsHistory }) {
  const times = history.times();
  const s = (metric: (m: ModelSample) => number | null) => history.modelSeries(name, metric);
  return (
    <div class="chart-grid">
      <Chart title="Throughput" unit="tokens/s" times={times} lines={[{ label: 'tokens/s', values: s((m) => m.tokensPerSecond), color: COLORS.a }]} />
      <Chart title="Requests" unit="per second" times={times} lines={[{ label: 'requests/s', values: s((m) => m.requestsPerSecond), color: COLORS.a }]} />
      <Chart title="Time to first token" unit="ms" times={times} lines={[
        { label: 'p50', values: s((m) => m.ttftMs.p50), color: COLORS.a },
        { label: 'p90', values: s((m) => m.ttftMs.p90), color: COLORS.b },
        { label: 'p99', values: s((m) => m.ttftMs.p99), color: COLORS.d },
      ]} />
      <Chart title="Inter-token latency" unit="ms" times={times} lines={[
        { label: 'p50', values: s((m) => m.itlMs.p50), color: COLORS.a },
        { label: 'p90', values: s((m) => m.itlMs.p90), color: COLORS.b },
        { label: 'p99', values: s((m) => m.itlMs.p99), color: COLORS.d },
      ]} />
      <Chart title="KV blocks" unit="blocks" times={times} lines={[
        { label: 'used', values: s((m) => m.kvBlocksUsed), color: COLORS.b },
        { label: 'free', values: s((m) => m.kvBlocksFree), color: COLORS.c },
        { label: 'cached', values: s((m) => m.kvBlocksCached), color: COLORS.a, dash: [4, 4] },
      ]} />
      <Chart title="Prefix-cache hit rate" unit="%" times={times} lines={[
        { label: 'hit rate', values: s((m) => (m.prefixHitRate === null ? null : m.prefixHitRate * 100)), color: COLORS.c },
      ]} />
      <Chart title="Preemptions" unit="per second" times={times} lines={[{ label: 'preemptions', values: s((m) => m.preemptions), color: COLORS.b }]} />
      <Chart title="Queue" unit="requests" times={times} lines={[
        { label: 'queue depth', values: s((m) => m.queueDepth), color: COLORS.d },
        { label: 'running', values: s((m) => m.running), color: COLORS.a },
        { label: 'waiting', values: s((m) => m.waiting), color: COLORS.b, dash: [4, 4] },
      ]} />
    </div>
  );
}

function Latest({ name, sample }: { name: string; sample: ModelSample | undefined }) {
  const rows: [string, string][] = sample
    ? [
        ['Tokens per second', formatNumber(sample.tokensPerSecond)],
        ['TTFT p50 / p90 / p99 (ms)', [sample.ttftMs.p50, sample.ttftMs.p90, sample.ttftMs.p99].map((v) => formatNumber(v)).join(' / ')],
        ['ITL p50 / p90 / p99 (ms)', [sample.itlMs.p50, sample.itlMs.p90, sample.itlMs.p99].map((v) => formatNumber(v)).join(' / ')],
        ['KV blocks used / free', `${formatNumber(sample.kvBlocksUsed)} / ${formatNumber(sample.kvBlocksFree)}`],
        ['Prefix-cache hit rate', formatPercent(sample.prefixHitRate)],
        ['Preemptions per second', formatNumber(sample.preemptions, 2)],
        ['Queue depth', formatNumber(sample.queueDepth)],
      ]
    : [];
  return (
    <table class="compact">
      <caption>Now: {name}</caption>
      <tbody>
        {rows.length === 0 ? (
          <tr><td>No statistics for this model yet.</td></tr>
        ) : (
          rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** Per model: live charts from the stats stream, the latest figures as a table, and its engine instances. */
export function Overview({ client, feed }: { client: AdminClient; feed: StatsFeed }) {
  useFeed(feed);
  const models = useLoad(() => client.get<unknown>('/models').then(readModels), []);
  const history = feed.history;
  const latest = history.latest();
  const names = [...new Set([...(models.data ?? []).map((m) => m.name), ...history.modelNames()])].sort();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Overview</h1>
      <Status>{describeStream(feed)}</Status>
      <ErrorText error={models.error} />
      {names.length === 0 && !models.loading ? <p>No models are being served.</p> : null}
      {names.map((name) => {
        const summary = models.data?.find((m) => m.name === name);
        return (
          <section key={name} class="model-panel" aria-labelledby={`model-${name}`}>
            <h2 id={`model-${name}`}>{name}</h2>
            {summary ? (
              <p class="meta">
                {summary.file}
                {summary.profileVersion !== null ? ` · profile version ${summary.profileVersion}` : ''}
                {summary.instances.length > 0
                  ? ` · instances: ${summary.instances.map((i) => `${i.id} ${i.state} (${i.runningRequests} running)`).join(', ')}`
                  : ''}
              </p>
            ) : null}
            <div class="overview-row">
              <Latest name={name} sample={latest?.models[name]} />
              <ModelCharts name={name} history={history} />
            </div>
          </section>
        );
      })}
    </section>
  );
}
