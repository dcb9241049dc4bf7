import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, seg, type AdminClient } from '../api/client';
import { field } from '../api/json';
import { FieldInput } from '../components/FieldInput';
import { describeError, ErrorText, Status } from '../components/Notice';
import { useLoad } from '../components/useApi';
import { formatBytes, formatTime } from '../format';
import { diffRows, diffSummary, readDiff, type Diff } from '../profile/diff';
import {
  describeChange, describeOutcome, readHistory, readProblems, readProfileDocument, type ProfileDocument,
} from '../profile/document';
import {
  buildProfile, choiceOf, choose, initialState, PROFILE_FORM, pluginForm, problemPath, type EditorState,
} from '../profile/editor';
import { choiceNames, pluginCatalog, SLOTS, type PluginCatalog } from '../profile/plugins';
import { domId } from '../profile/schema';
import { readModels } from './Overview';

interface Preview {
  diff: Diff;
  json: string;
}

function DiffTable({ diff }: { diff: Diff }) {
  const rows = diffRows(diff);
  return (
    <div class="diff">
      <p class={diff.needsDrain ? 'diff-summary drain' : 'diff-summary'} id="diff-summary">{diffSummary(diff)}</p>
      {rows.length > 0 ? (
        <table>
          <caption>What applying changes</caption>
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Now</th><th scope="col">After</th><th scope="col">Effect</th><th scope="col">Why</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field}>
                <th scope="row">{r.field}</th><td>{r.from}</td><td>{r.to}</td>
                <td class={r.effect.startsWith('Drain') ? 'effect-drain' : 'effect-live'}>{r.effect}</td><td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

interface EditorProps {
  client: AdminClient;
  model: string;
  catalog: PluginCatalog;
  doc: ProfileDocument;
  /** After an apply: reloads the profile (which remounts the editor) and announces `message` above it. */
  onApplied: (message: string) => void;
  onReload: () => void;
}

/**
 * The profile editor: inputs generated from the profile's fields and the chosen plugins' schemas, checked as the
 * admin types; "Preview changes" validates on the gateway and shows the diff (and whether it needs a drain);
 * "Apply" sends it with `If-Match` on the loaded version, so a concurrent change is refused with 409, not lost.
 */
function ProfileEditor({ client, model, catalog, doc, onApplied, onReload }: EditorProps) {
  const [state, setState] = useState<EditorState>(() => initialState(doc.profile, catalog));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverProblems, setServerProblems] = useState<Record<string, string>>({});
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const built = useMemo(() => buildProfile(doc.profile, state, catalog), [doc, state, catalog]);
  const json = JSON.stringify(built.profile);
  const current = preview !== null && preview.json === json;

  const errorFor = (path: string) =>
    (touched.has(path) || submitted ? built.errors[path] : undefined) ?? serverProblems[path];

  const edit = (path: string, value: string | boolean) => {
    setState((s) => ({ ...s, values: { ...s.values, [path]: value } }));
    setTouched((t) => new Set(t).add(path));
    setServerProblems((p) => {
      const { [path]: _gone, ...rest } = p;
      return rest;
    });
  };

  const focusFirstInvalid = (paths: string[]) => {
    const target = paths.map((p) => form.current?.querySelector<HTMLElement>(`#${domId(p)}`)).find(Boolean);
    target?.focus();
  };

  const showProblems = (problems: { field: string; message: string }[]) => {
    const inline: Record<string, string> = {};
    const others: string[] = [];
    for (const p of problems) {
      const path = problemPath(p.field);
      if (form.current?.querySelector(`#${domId(path)}`)) {
        inline[path] = p.message;
      } else {
        others.push(p.field ? `${p.field}: ${p.message}` : p.message);
      }
    }
    setServerProblems(inline);
    setOtherProblems(others);
    setResult(`The gateway found ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}; nothing was applied.`);
    focusFirstInvalid(Object.keys(inline));
  };

  const previewChanges = async (e?: Event) => {
    e?.preventDefault();
    setSubmitted(true);
    setFailure(null);
    setOtherProblems([]);
    const invalid = Object.keys(built.errors);
    if (invalid.length > 0) {
      setPreview(null);
      setResult(`${invalid.length === 1 ? '1 field needs' : `${invalid.length} fields need`} attention before the changes can be previewed.`);
      focusFirstInvalid(invalid);
      return;
    }
    setBusy(true);
    try {
      const base = `/models/${seg(model)}/profile`;
      const validation = await client.post<unknown>(`${base}/validate`, built.profile);
      if (field(validation, 'valid') === false) {
        setPreview(null);
        showProblems(readProblems(validation));
        return;
      }
      setServerProblems({});
      const diff = readDiff(await client.post<unknown>(`${base}/diff`, built.profile));
      setPreview({ diff, json });
      setResult(diffSummary(diff));
    } catch (err) {
      setFailure(err);
      setResult('');
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!current || !preview) {
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const answer = await client.put<unknown>(`/models/${seg(model)}/profile`, built.profile, { 'If-Match': `"${doc.version}"` });
      onApplied(describeOutcome(model, answer, doc.version));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setResult('');
        setConflict(true);
        setFailure(new Error(`Not applied: this profile changed since you loaded version ${doc.version} (409, stale version). `
          + 'Your edits are still in the form. Load the current version to see what changed, then preview and apply again.'));
      } else if (err instanceof ApiError && err.status === 400) {
        showProblems(readProblems(err.body));
      } else {
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setState(initialState(doc.profile, catalog));
    setTouched(new Set());
    setSubmitted(false);
    setServerProblems({});
    setOtherProblems([]);
    setPreview(null);
    setResult('Form reset to the stored profile.');
  };

  return (
    <form ref={form} class="editor" onSubmit={previewChanges} noValidate aria-labelledby="editor-title">
      <h2 id="editor-title">Profile of {model}</h2>
      <p class="meta">
        Version {doc.version}
        {doc.updatedBy ? `, changed by ${doc.updatedBy}` : ''}
        {doc.updatedAt ? ` on ${formatTime(doc.updatedAt)}` : ''}.
      </p>
      <fieldset>
        <legend>Model, memory and batching</legend>
        <div class="field-grid">
          {PROFILE_FORM.map((f) => (
            <FieldInput key={f.path} field={f} value={state.values[f.path] ?? ''} error={errorFor(f.path)} onChange={(v) => edit(f.path, v)} />
          ))}
        </div>
      </fieldset>
      {SLOTS.map((slot) => {
        const name = state.choices[slot.slot];
        const plugin = catalog.bySlot[slot.slot].find((p) => p.name === name);
        const selectId = `choice-${slot.slot}`;
        const inputs = pluginForm(catalog, slot.slot, name);
        const choiceError = serverProblems[slot.slot];
        return (
          <fieldset key={slot.slot}>
            <legend>{slot.label}</legend>
            <div class={`field${choiceError ? ' has-error' : ''}`}>
              <label for={selectId}>{slot.label} plugin</label>
              <select id={selectId} name={slot.slot} value={name}
                aria-describedby={`${selectId}-help${choiceError ? ` ${domId(slot.slot)}-error` : ''}`}
                onChange={(e) => {
                  setState((s) => choose(s, catalog, doc.profile, slot.slot, e.currentTarget.value));
                  setServerProblems({});
                }}>
                {choiceNames(catalog, slot, name).map((n) => (
                  <option key={n} value={n}>{n}{n === choiceOf(doc.profile, slot.slot).name ? ' (current)' : ''}</option>
                ))}
              </select>
              <p id={`${selectId}-help`} class="help">
                {plugin ? plugin.description : name === 'none' ? 'Turned off.' : 'Not an installed plugin.'}
              </p>
              {choiceError ? <p id={`${domId(slot.slot)}-error`} class="field-error">{choiceError}</p> : null}
            </div>
            {inputs.length > 0 ? (
              <div class="field-grid">
                {inputs.map((f) => (
                  <FieldInput key={f.path} field={f} value={state.values[f.path] ?? ''} error={errorFor(f.path)} onChange={(v) => edit(f.path, v)} />
                ))}
              </div>
            ) : null}
          </fieldset>
        );
      })}
      {otherProblems.length > 0 ? (
        <ul class="error" aria-label="Other problems">
          {otherProblems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      ) : null}
      <div class="actions">
        <button type="submit" disabled={busy}>Preview changes</button>
        <button type="button" id="apply" disabled={busy || !current} aria-describedby="apply-help" onClick={apply}>
          Apply
        </button>
        <button type="button" class="secondary" onClick={reset}>Reset form</button>
      </div>
      <p id="apply-help" class="help">Apply is available once the previewed changes match the form.</p>
      <Status id="apply-result">{result}</Status>
      <ErrorText error={failure} id="apply-error" />
      {conflict ? <button type="button" onClick={onReload}>Load the current version</button> : null}
      {preview ? <DiffTable diff={preview.diff} /> : null}
    </form>
  );
}

function History({ client, model, revision, currentVersion, onChanged }: {
  client: AdminClient; model: string; revision: number; currentVersion: number; onChanged: (message: string) => void;
}) {
  const history = useLoad(() => client.get<unknown>(`/models/${seg(model)}/profile/history`).then(readHistory), [model, revision]);
  const [message, setMessage] = useState('');
  const [failure, setFailure] = useState<unknown>(null);

  const rollback = async (version: number) => {
    setFailure(null);
    try {
      const answer = readProfileDocument(await client.post<unknown>(`/models/${seg(model)}/profile/rollback`, { version }));
      setMessage(`Rolled back to version ${version}: the profile is now version ${answer.version}.`);
      onChanged('');
    } catch (err) {
      setMessage('');
      setFailure(err);
    }
  };

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <Status id="rollback-result">{message}</Status>
      <ErrorText error={failure ?? history.error} />
      <table>
        <caption>Versions of the profile of {model}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th><th scope="col">Change</th><th scope="col">Changed by</th><th scope="col">When</th>
            <th scope="col">Codec</th><th scope="col">Eviction</th><th scope="col">Scheduling</th><th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {(history.data ?? []).map((h) => (
            <tr key={h.version} data-version={h.version}>
              <th scope="row">{h.version}{h.version === currentVersion ? ' (current)' : ''}</th>
              <td>{describeChange(h)}</td>
              <td>{h.changedBy || '—'}</td>
              <td>{formatTime(h.changedAt)}</td>
              <td>{choiceOf(h.profile, 'codec').name}</td>
              <td>{choiceOf(h.profile, 'eviction').name}</td>
              <td>{choiceOf(h.profile, 'scheduling').name}</td>
              <td>
                {h.version === currentVersion ? '—' : (
                  <button type="button" onClick={() => rollback(h.version)}>Roll back to version {h.version}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The Models page: pick a model, see its engine instances, edit its profile, read and roll back its history. */
export function Models({ client }: { client: AdminClient }) {
  const [tick, setTick] = useState(0);
  const [revision, setRevision] = useState(0);
  const models = useLoad(() => client.get<unknown>('/models').then(readModels), [tick]);
  const catalog = useLoad(() => client.get<unknown>('/plugins').then(pluginCatalog), []);
  const [selected, setSelected] = useState('');
  const model = selected || models.data?.[0]?.name || '';
  const doc = useLoad(
    () => (model ? client.get<unknown>(`/models/${seg(model)}/profile`).then((raw) => readProfileDocument(raw, model)) : Promise.resolve(null)),
    [model, revision],
  );

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 3000);
    return () => clearInterval(timer);
  }, []);

  const [notice, setNotice] = useState('');
  const summary = models.data?.find((m) => m.name === model);
  const changed = (message = '') => {
    setNotice(message);
    setRevision((r) => r + 1);
    setTick((t) => t + 1);
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>Models</h1>
      <ErrorText error={models.error ?? catalog.error} />
      <div class="field inline">
        <label for="model-select">Model</label>
        <select id="model-select" value={model} onChange={(e) => setSelected(e.currentTarget.value)}>
          {(models.data ?? []).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
        </select>
      </div>
      {summary ? (
        <table class="compact">
          <caption>Engine instances of {model}</caption>
          <thead><tr><th scope="col">Instance</th><th scope="col">State</th><th scope="col">Running requests</th><th scope="col">KV memory</th></tr></thead>
          <tbody>
            {summary.instances.map((i) => (
              <tr key={i.id}>
                <th scope="row">{i.id}</th><td>{i.state}</td><td>{i.runningRequests}</td>
                <td>{i.kvMemoryBytes === null ? '—' : formatBytes(i.kvMemoryBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Status id="change-result">{notice}</Status>
      {doc.error ? <p role="alert" class="error">Could not load the profile: {describeError(doc.error)}</p> : null}
      {model && doc.data && doc.data.model === model && catalog.data ? (
        // Keyed by the document's own model and version: the editor starts afresh for each loaded profile, never
        // from the previous model's while the next one loads.
        <ProfileEditor key={`${doc.data.model}@${doc.data.version}`} client={client} model={model} catalog={catalog.data}
          doc={doc.data} onApplied={changed} onReload={() => changed('Loaded the current version.')} />
      ) : null}
      {model && doc.data && doc.data.model === model ? (
        <History client={client} model={model} revision={revision} currentVersion={doc.data.version} onChanged={changed} />
      ) : null}
    </section>
  );
}
