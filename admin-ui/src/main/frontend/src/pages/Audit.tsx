import type { AdminClient } from '../api/client';
import { field, list, str } from '../api/json';
import { ErrorText } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { formatTime } from '../format';

/** One audit record (`who`/`actor`, `when`/`occurred_at`). */
export interface AuditRecord {
  id: string;
  who: string;
  when: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

export function readAudit(raw: unknown): AuditRecord[] {
  return list(raw).map((a) => ({
    id: str(a, 'id'),
    who: str(a, 'who') || str(a, 'actor'),
    when: str(a, 'when') || str(a, 'occurredAt'),
    action: str(a, 'action'),
    target: str(a, 'target'),
    before: field(a, 'before') ?? null,
    after: field(a, 'after') ?? null,
  }));
}

function Json({ value }: { value: unknown }) {
  return value === null ? <span>—</span> : <pre>{JSON.stringify(value, null, 2)}</pre>;
}

/** The newest 100 audit records: who changed what, when, before and after. */
export function Audit({ client }: { client: AdminClient }) {
  const audit = useLoad(() => client.get<unknown>('/audit?limit=100').then(readAudit), []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Audit log</h1>
      <ErrorText error={audit.error} />
      <table>
        <caption>The newest changes, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Before and after</th></tr></thead>
        <tbody>
          {(audit.data ?? []).map((a) => (
            <tr key={a.id}>
              <th scope="row">{formatTime(a.when)}</th><td>{a.who}</td><td>{a.action}</td><td>{a.target}</td>
              <td>
                <details>
                  <summary>Show</summary>
                  <h3 class="small">Before</h3><Json value={a.before} />
                  <h3 class="small">After</h3><Json value={a.after} />
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
