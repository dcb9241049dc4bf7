import { field, isObject, list, str } from '../api/json';
import { formatBytes } from '../format';
import { humanize } from './schema';

/** When a change takes effect: at the running instance's next step, or in a new instance while the old drains. */
export type Effect = 'live' | 'drain';

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
  effect: Effect;
  reason: string;
}

export interface Diff {
  changes: Change[];
  needsDrain: boolean;
}

/** Reads a diff answer (`from`/`to` or `before`/`after`, `live`/`LIVE`); `needsDrain` follows the changes when absent. */
export function readDiff(raw: unknown): Diff {
  const changes = list(field(raw, 'changes')).map((c): Change => ({
    field: str(c, 'field'),
    from: field(c, 'from') ?? field(c, 'before') ?? null,
    to: field(c, 'to') ?? field(c, 'after') ?? null,
    effect: str(c, 'effect', 'live').toLowerCase() === 'drain' ? 'drain' : 'live',
    reason: str(c, 'reason'),
  }));
  const flag = field(raw, 'needsDrain');
  return { changes, needsDrain: typeof flag === 'boolean' ? flag : changes.some((c) => c.effect === 'drain') };
}

/** A changed value as text: a plugin choice by name and its settings, sizes in binary units, absent as "—". */
export function formatValue(fieldName: string, value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (isObject(value) && typeof value.name === 'string') {
    const config = isObject(value.config) ? Object.entries(value.config) : [];
    return config.length === 0 ? value.name : `${value.name} (${config.map(([k, v]) => `${k}=${formatValue(k, v)}`).join(', ')})`;
  }
  if (typeof value === 'number' && /bytes$/i.test(fieldName)) {
    return formatBytes(value);
  }
  if (isObject(value) || Array.isArray(value)) {
    return JSON.stringify(value);
  }
  return String(value);
}

/** A change's field for people: `plugins.eviction.config.budget_tokens` → `Eviction › budget_tokens`. */
export function fieldLabel(fieldName: string): string {
  const parts = fieldName.replace(/^plugins\./, '').split('.');
  if (parts.length >= 3 && parts[1] === 'config') {
    return `${humanize(parts[0])} › ${parts.slice(2).join('.')}`;
  }
  return parts.map(humanize).join(' › ');
}

/** A row of the rendered diff. */
export interface DiffRow {
  field: string;
  from: string;
  to: string;
  effect: string;
  reason: string;
}

export function diffRows(diff: Diff): DiffRow[] {
  return diff.changes.map((c) => ({
    field: fieldLabel(c.field),
    from: formatValue(c.field, c.from),
    to: formatValue(c.field, c.to),
    effect: c.effect === 'drain' ? 'Drain: new instance' : 'Live: next step',
    reason: c.reason,
  }));
}

/** One sentence on what applying the diff does. */
export function diffSummary(diff: Diff): string {
  const n = diff.changes.length;
  if (n === 0) {
    return 'No changes: applying this profile is a no-op.';
  }
  const what = n === 1 ? '1 change' : `${n} changes`;
  return diff.needsDrain
    ? `${what}. Needs a drain: a new engine instance starts with this profile, new requests go to it, and the old one finishes its running requests before it is freed. No request is lost.`
    : `${what}. Applied live at the next engine step; no new instance, nothing drains.`;
}
