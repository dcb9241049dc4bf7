import { field, isObject, list, num, str, type Json } from '../api/json';

/** A stored profile with its version (`GET /admin/api/models/{name}/profile`). */
export interface ProfileDocument {
  model: string;
  version: number;
  profile: Json;
  updatedAt: string;
  updatedBy: string;
}

/** Reads a profile document; `model` names the model it was asked for when the answer does not say. */
export function readProfileDocument(raw: unknown, model = ''): ProfileDocument {
  const profile = field(raw, 'profile');
  return {
    model: str(raw, 'model') || model,
    version: num(raw, 'version'),
    profile: isObject(profile) ? profile : {},
    updatedAt: str(raw, 'updatedAt'),
    updatedBy: str(raw, 'updatedBy'),
  };
}

/** One entry of a profile's history, newest first. */
export interface HistoryEntry {
  version: number;
  profile: Json;
  changedBy: string;
  changedAt: string;
  /** How the version came: `initial`, `apply`, `rollback`, `load`, `fallback` (empty when not said). */
  change: string;
  /** For a rollback, the version it restored. */
  restoredVersion: number | null;
}

export function readHistory(raw: unknown): HistoryEntry[] {
  return list(raw).map((h) => {
    const profile = field(h, 'profile');
    return {
      version: num(h, 'version'),
      profile: isObject(profile) ? profile : {},
      changedBy: str(h, 'changedBy') || str(h, 'updatedBy'),
      changedAt: str(h, 'changedAt') || str(h, 'updatedAt'),
      change: str(h, 'change'),
      restoredVersion: typeof field(h, 'restoredVersion') === 'number' ? num(h, 'restoredVersion') : null,
    };
  }).sort((a, b) => b.version - a.version);
}

/** How a history entry came about, in words: `rollback to 3`, `apply`. */
export function describeChange(entry: HistoryEntry): string {
  if (entry.change === 'rollback' && entry.restoredVersion !== null) {
    return `rollback to ${entry.restoredVersion}`;
  }
  return entry.change || '—';
}

/** What an apply or rollback did (`outcome`: `unchanged`, `live`, `new_instance`), in a sentence. */
export function describeOutcome(model: string, raw: unknown, before: number): string {
  const version = num(raw, 'version');
  const outcome = str(raw, 'outcome');
  if (outcome === 'unchanged' || (outcome === '' && version === before)) {
    return `No change: the profile already was this (still version ${version}).`;
  }
  const drains = outcome === 'new_instance' || field(raw, 'needsDrain') === true;
  return `Applied: ${model} is now at profile version ${version}. ${drains
    ? 'A new engine instance serves new requests; the old one drains.'
    : 'In effect from the next engine step.'}`;
}

/** A problem reported against a profile. */
export interface Problem {
  field: string;
  message: string;
}

/** The problems of a validate answer, or of a 400 body (`problems`, or the error's `param` and message). */
export function readProblems(raw: unknown): Problem[] {
  const direct = list(field(raw, 'problems'));
  const nested = list(field(field(raw, 'error'), 'problems'));
  const problems = [...direct, ...nested].map((p) => ({ field: str(p, 'field'), message: str(p, 'message') }));
  if (problems.length === 0) {
    const error = field(raw, 'error');
    if (isObject(error) && str(error, 'message')) {
      problems.push({ field: str(error, 'param'), message: str(error, 'message') });
    }
  }
  return problems;
}
