import { useRef, useState } from 'preact/hooks';
import { ApiError, seg, type AdminClient } from '../api/client';
import { Chart, type Line } from '../components/Chart';
import { FieldInput } from '../components/FieldInput';
import { ErrorText, Status } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { formatNumber, formatPercent, formatTime } from '../format';
import { formFields } from '../profile/schema';
import { describeStream, useFeed, type StatsFeed } from '../stats/feed';
import {
  readIssuedKey, readTenant, readTenants, readUsage, TENANT_FIELDS, tenantBody, tenantInputs,
  type IssuedKey, type Tenant, type TenantInputs,
} from '../tenants/model';

const PALETTE = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490'];

/** A key's secret, shown once: the gateway stores only its hash. */
function OneTimeKey({ issued, label, onDone }: { issued: IssuedKey; label: string; onDone: () => void }) {
  const [copied, setCopied] = useState('');
  return (
    <div class="one-time-key" role="alert" aria-labelledby="new-key-title">
      <h3 id="new-key-title">{label}</h3>
      <p>This key is shown once. Copy it now: Kvasir keeps only its hash.</p>
      <label for="new-key">API key</label>
      <input id="new-key" class="secret" readOnly value={issued.secret} onFocus={(e) => e.currentTarget.select()} />
      <div class="actions">
        <button type="button" onClick={async () => {
          try {
            await navigator.clipboard.writeText(issued.secret);
            setCopied('Copied to the clipboard.');
          } catch {
            setCopied('Copying is not allowed here; select the key and copy it.');
          }
        }}>Copy key</button>
        <button type="button" class="secondary" onClick={onDone}>I have saved it</button>
      </div>
      <Status>{copied}</Status>
    </div>
  );
}

/** The tenant form (create or edit), generated from the tenant fields with inline checks. */
function TenantForm({ initial, submitLabel, idPrefix, onSubmit }: {
  initial: TenantInputs; submitLabel: string; idPrefix: string;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
}) {
  const [inputs, setInputs] = useState<TenantInputs>(initial);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const { body, errors } = tenantBody(inputs);
  const fields = Object.entries(TENANT_FIELDS).map(([key, f]) => ({ key, field: formFields(idPrefix, [f])[0] }));

  const submit = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    const invalid = Object.keys(errors);
    if (invalid.length > 0) {
      setMessage(`${invalid.length === 1 ? '1 field needs' : `${invalid.length} fields need`} attention.`);
      const first = fields.find((f) => invalid.includes(f.key));
      form.current?.querySelector<HTMLElement>(`#${first?.field.id}`)?.focus();
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      await onSubmit(body);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} onSubmit={submit} noValidate>
      <div class="field-grid">
        {fields.map(({ key, field }) => (
          <FieldInput key={key} field={field} value={inputs[key as keyof TenantInputs]}
            error={touched.has(key) || submitted ? errors[key] : undefined}
            onChange={(v) => {
              setInputs((i) => ({ ...i, [key]: String(v) }));
              setTouched((t) => new Set(t).add(key));
            }} />
        ))}
      </div>
      <Status>{message}</Status>
      <button type="submit" disabled={busy}>{submitLabel}</button>
    </form>
  );
}

function TenantDetail({ client, tenant, onChanged }: { client: AdminClient; tenant: Tenant; onChanged: (message: string) => void }) {
  const usage = useLoad(() => client.get<unknown>(`/tenants/${seg(tenant.id)}/usage`).then(readUsage), [tenant.id, tenant.version]);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const base = `/tenants/${seg(tenant.id)}`;
  const act = async (what: () => Promise<void>) => {
    setFailure(null);
    try {
      await what();
    } catch (err) {
      setFailure(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="tenant-title">
      <h2 id="tenant-title">Tenant {tenant.name} ({tenant.id})</h2>
      <ErrorText error={failure} />
      <h3>Weight, prefix group and limits</h3>
      <TenantForm key={`${tenant.id}@${tenant.version}`} initial={tenantInputs(tenant)} submitLabel="Save tenant" idPrefix={`edit-${tenant.id}`}
        onSubmit={(body) => act(async () => {
          const change = tenant.version === null ? body : { ...body, version: tenant.version };
          const saved = readTenant(await client.patch<unknown>(base, change));
          onChanged(`Saved tenant ${saved.id}.`);
        })} />
      <h3>Keys</h3>
      {issued ? <OneTimeKey issued={issued} label={`New key for ${tenant.name}`} onDone={() => setIssued(null)} /> : null}
      <table>
        <caption>API keys of {tenant.id} (prefixes only)</caption>
        <thead><tr><th scope="col">Prefix</th><th scope="col">Issued</th><th scope="col">Revoked</th><th scope="col">Action</th></tr></thead>
        <tbody>
          {tenant.keys.map((k) => (
            <tr key={k.id}>
              <th scope="row"><code>{k.prefix}…</code></th>
              <td>{formatTime(k.createdAt)}</td>
              <td>{k.revokedAt ? formatTime(k.revokedAt) : 'active'}</td>
              <td>
                {k.revokedAt ? '—' : (
                  <button type="button" onClick={() => act(async () => {
                    await client.delete(`/keys/${seg(k.id)}`);
                    onChanged(`Revoked key ${k.prefix}….`);
                  })}>Revoke {k.prefix}…</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => act(async () => {
        const key = readIssuedKey(await client.post<unknown>(`${base}/keys`, {}));
        setIssued(key);
        onChanged(`Issued a new key for ${tenant.id}.`);
      })}>Issue a new key</button>
      <h3>Usage</h3>
      {usage.error instanceof ApiError && usage.error.status === 404 ? (
        <p>This gateway has no per-tenant usage view (<code>GET /admin/api/tenants/{'{id}'}/usage</code> answered 404); a tenant reads its own with <code>GET /v1/usage</code>.</p>
      ) : usage.error ? <ErrorText error={usage.error} /> : usage.data ? (
        <dl class="figures">
          <dt>Requests</dt><dd>{formatNumber(usage.data.requests)}</dd>
          <dt>Prompt tokens</dt><dd>{formatNumber(usage.data.promptTokens)}</dd>
          <dt>Cached prompt tokens</dt><dd>{formatNumber(usage.data.cachedTokens)}</dd>
          <dt>Generated tokens</dt><dd>{formatNumber(usage.data.generatedTokens)}</dd>
          <dt>Rejected</dt><dd>{formatNumber(usage.data.rejected)}</dd>
        </dl>
      ) : <p>Loading…</p>}
    </section>
  );
}

function ShareOfService({ feed }: { feed: StatsFeed }) {
  useFeed(feed);
  const history = feed.history;
  const ids = history.tenantIds();
  const lines: Line[] = ids.flatMap((id, i) => [
    { label: `${id} share`, values: history.tenantSeries(id, (t) => (t.share === null ? null : t.share * 100)), color: PALETTE[i % PALETTE.length] },
    { label: `${id} fair share`, values: history.tenantSeries(id, (t) => (t.fairShare === null ? null : t.fairShare * 100)), color: PALETTE[i % PALETTE.length], dash: [6, 4] },
  ]);
  const latest = history.latest();
  return (
    <section aria-labelledby="share-title">
      <h2 id="share-title">Share of service</h2>
      <Status>{describeStream(feed)}</Status>
      <Chart title="Each tenant's share of service (solid) against its fair share (dashed)" unit="%" times={history.times()} lines={lines} height={200} />
      <table>
        <caption>Share of service now</caption>
        <thead><tr><th scope="col">Tenant</th><th scope="col">Tokens/s</th><th scope="col">Share</th><th scope="col">Fair share</th></tr></thead>
        <tbody>
          {ids.map((id) => {
            const t = latest?.tenants[id];
            return (
              <tr key={id}>
                <th scope="row">{id}</th><td>{formatNumber(t?.tokensPerSecond)}</td>
                <td>{formatPercent(t?.share)}</td><td>{formatPercent(t?.fairShare)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Tenants: the list, a form to create one (its key shown once), editing weights and limits, keys, usage, shares. */
export function Tenants({ client, feed }: { client: AdminClient; feed: StatsFeed }) {
  const [revision, setRevision] = useState(0);
  const tenants = useLoad(() => client.get<unknown>('/tenants').then(readTenants), [revision]);
  const [selected, setSelected] = useState<string | null>(null);
  const [created, setCreated] = useState<{ issued: IssuedKey; name: string } | null>(null);
  const [message, setMessage] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const changed = (text: string) => {
    setMessage(text);
    setRevision((r) => r + 1);
  };
  const tenant = tenants.data?.find((t) => t.id === selected) ?? null;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Tenants</h1>
      <Status id="tenant-result">{message}</Status>
      <ErrorText error={tenants.error} />
      <table>
        <caption>Tenants</caption>
        <thead>
          <tr>
            <th scope="col">Id</th><th scope="col">Name</th><th scope="col">Weight</th><th scope="col">Prefix group</th>
            <th scope="col">Requests/min</th><th scope="col">Tokens/min</th><th scope="col">Concurrent</th><th scope="col">Queued</th>
            <th scope="col">Active keys</th><th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {(tenants.data ?? []).map((t) => (
            <tr key={t.id} aria-current={t.id === selected ? 'true' : undefined}>
              <th scope="row">{t.id}</th><td>{t.name}{t.disabled ? ' (disabled)' : ''}</td><td>{formatNumber(t.weight, 3)}</td>
              <td>{t.prefixGroup ?? '—'}</td>
              <td>{t.limits.requestsPerMinute || 'unlimited'}</td><td>{t.limits.tokensPerMinute || 'unlimited'}</td>
              <td>{t.limits.maxConcurrent}</td><td>{t.limits.maxQueued}</td>
              <td>{t.keys.filter((k) => !k.revokedAt).length}</td>
              <td><button type="button" onClick={() => setSelected(t.id)}>Manage {t.id}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {tenant ? <TenantDetail client={client} tenant={tenant} onChanged={changed} /> : null}
      <section class="panel" aria-labelledby="create-title">
        <h2 id="create-title">Create a tenant</h2>
        <ErrorText error={failure} id="create-error" />
        {created ? <OneTimeKey issued={created.issued} label={`Key for ${created.name}`} onDone={() => setCreated(null)} /> : null}
        <TenantForm key={revision} initial={tenantInputs(null)} submitLabel="Create tenant" idPrefix="create"
          onSubmit={async (body) => {
            setFailure(null);
            try {
              const answer = await client.post<unknown>('/tenants', body);
              const tenantAnswer = readTenant((answer as { tenant?: unknown }).tenant ?? answer);
              const issued = readIssuedKey(answer);
              if (issued) {
                setCreated({ issued, name: tenantAnswer.name });
              }
              changed(`Created tenant ${tenantAnswer.id}.`);
            } catch (err) {
              setFailure(err);
            }
          }} />
      </section>
      <ShareOfService feed={feed} />
    </section>
  );
}
