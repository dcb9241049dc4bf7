import type { AdminClient } from '../api/client';
import { ErrorText } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { pluginCatalog, SLOTS } from '../profile/plugins';
import { humanize } from '../profile/schema';

/** The installed strategy plugins per kind, their descriptions, settings and failures. */
export function Plugins({ client }: { client: AdminClient }) {
  const catalog = useLoad(() => client.get<unknown>('/plugins').then(pluginCatalog), []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Plugins</h1>
      <ErrorText error={catalog.error} />
      {(catalog.data?.kinds ?? []).map(({ kind, slot, plugins }) => (
        <section key={kind} aria-labelledby={`kind-${kind}`}>
          <h2 id={`kind-${kind}`}>{SLOTS.find((s) => s.slot === slot)?.label ?? humanize(kind)}</h2>
          <table>
            <caption>Installed {kind} providers</caption>
            <thead>
              <tr>
                <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Description</th><th scope="col">Settings</th>
                <th scope="col">Step failures</th><th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {plugins.map((p) => (
                <tr key={p.name} class={p.status === 'loaded' ? undefined : 'row-failed'}>
                  <th scope="row">{p.name}</th>
                  <td>{p.status}{p.failure ? <p class="error">{p.failure}</p> : null}</td>
                  <td>{p.description}</td>
                  <td>
                    {p.fields.length === 0 ? 'none' : (
                      <ul class="plain">
                        {p.fields.map((f) => (
                          <li key={f.name}>
                            <code>{f.name}</code> ({f.type}{f.defaultValue !== null ? `, default ${String(f.defaultValue)}` : ', required'}
                            {f.min !== null || f.max !== null ? `, ${f.min ?? '…'} to ${f.max ?? '…'}` : ''}{f.unit ? ` ${f.unit}` : ''}): {f.help}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{p.stepFailures}</td>
                  <td><code>{p.source || '—'}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
