import { ApiError, type AdminClient } from '../api/client';
import { field, list, num, str } from '../api/json';
import { ErrorText } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { formatBytes, formatNumber, formatPercent } from '../format';
import { reportFacts, strategyRows } from '../strategies/report';

/** The report of `./kvasir eval-strategies`: memory saved against fidelity and speed for each strategy. */
export function Strategies({ client }: { client: AdminClient }) {
  const report = useLoad(() => client.get<unknown>('/strategies'), []);
  const missing = report.error instanceof ApiError && report.error.status === 404;
  const data = report.data;
  const rows = data ? strategyRows(data) : [];
  const facts = data ? reportFacts(data) : null;
  const prefix = list(field(field(data, 'prefix'), 'rows'));
  const fairness = list(field(field(data, 'fairness'), 'runs'));
  const targets = list(field(data, 'targets'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Strategies</h1>
      <p>Each KV-cache strategy trades memory for fidelity or speed. The figures come from <code>./kvasir eval-strategies</code>, run through the real engine; see the strategies documentation for the method.</p>
      {missing ? (
        <p role="status">No strategy report yet. Run <code>./kvasir eval-strategies -m MODEL --corpus FILE</code> and point the gateway at its <code>strategies.json</code>.</p>
      ) : <ErrorText error={report.error} />}
      {facts ? (
        <p class="meta">Model {facts.model}, {facts.threads} threads, {facts.stories} stories ({formatNumber(facts.tokens)} tokens) from {facts.corpus}.</p>
      ) : null}
      {rows.length > 0 ? (
        <table>
          <caption>Memory saved against fidelity and speed, per strategy (reference: f32, no eviction)</caption>
          <thead>
            <tr>
              <th scope="col">Strategy</th><th scope="col">Mode</th><th scope="col">Memory saved</th><th scope="col">KV bytes/token</th>
              <th scope="col">KV per sequence</th><th scope="col">Perplexity</th><th scope="col">Top-1 vs f32</th>
              <th scope="col">KL (nats)</th><th scope="col">Decode tokens/s</th><th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.setting}/${r.mode}`}>
                <th scope="row">{r.setting}</th><td>{r.mode}</td><td>{formatPercent(r.memorySaved)}</td>
                <td>{formatNumber(r.kvBytesPerToken)}</td><td>{r.sequencePeakKvBytes === null ? '—' : formatBytes(r.sequencePeakKvBytes)}</td>
                <td>{formatNumber(r.perplexity, 3)}</td><td>{formatPercent(r.top1Agreement, 2)}</td>
                <td>{r.meanKl === null ? '—' : r.meanKl.toExponential(2)}</td><td>{formatNumber(r.decodeTokensPerSecond, 0)}</td>
                <td>{r.status}{r.message ? `: ${r.message}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {prefix.length > 0 ? (
        <table>
          <caption>Prefix caching</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col">Prefix index</th><th scope="col">Scheduling</th><th scope="col">Cached prompt tokens</th><th scope="col">Median TTFT (ms)</th></tr></thead>
          <tbody>
            {prefix.map((p, i) => (
              <tr key={i}>
                <th scope="row">{str(p, 'workload')}</th><td>{str(p, 'prefixIndex')}</td><td>{str(p, 'scheduling')}</td>
                <td>{formatPercent(num(p, 'cachedFraction'))}</td><td>{formatNumber(num(p, 'medianTtftMillis'))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {fairness.length > 0 ? (
        <table>
          <caption>Fairness: two backlogged tenants</caption>
          <thead><tr><th scope="col">Policy</th><th scope="col">Weights heavy:light</th><th scope="col">Light/heavy service</th><th scope="col">Generated tokens/s</th></tr></thead>
          <tbody>
            {fairness.map((f, i) => (
              <tr key={i}>
                <th scope="row">{str(f, 'policy')}</th><td>{num(f, 'heavyWeight')}:{num(f, 'lightWeight')}</td>
                <td>{formatNumber(num(f, 'lightToHeavyRatio'), 2)}</td><td>{formatNumber(num(f, 'generatedTokensPerSecond'), 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {targets.length > 0 ? (
        <table>
          <caption>Targets</caption>
          <thead><tr><th scope="col">Target</th><th scope="col">Measured</th><th scope="col">Verdict</th></tr></thead>
          <tbody>
            {targets.map((t, i) => (
              <tr key={i}><th scope="row">{str(t, 'target')}</th><td>{str(t, 'measured')}</td><td>{str(t, 'verdict').toLowerCase().replace(/_/g, ' ')}</td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
