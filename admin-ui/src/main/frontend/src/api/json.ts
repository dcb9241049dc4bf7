/**
 * Reading the admin API's JSON. The gateway writes some resources in snake_case (tenants, keys, audit) and others
 * in camelCase (profiles), and lists either bare or as `{"object":"list","data":[...]}`; these helpers read both,
 * so the pages name each field once, in camelCase.
 */
export type Json = Record<string, unknown>;

/** `camelCase` → `snake_case`. */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The value of a field written as `camelCase` or `snake_case`; undefined when neither is present. */
export function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object') {
    return undefined;
  }
  const record = obj as Json;
  if (name in record) {
    return record[name];
  }
  const alt = snake(name);
  return alt in record ? record[alt] : undefined;
}

export function str(obj: unknown, name: string, fallback = ''): string {
  const v = field(obj, name);
  return v === undefined || v === null ? fallback : String(v);
}

export function num(obj: unknown, name: string, fallback = 0): number {
  const v = field(obj, name);
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function optNum(obj: unknown, name: string): number | null {
  const v = field(obj, name);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A list response: the array itself, or the `data` of a list object; anything else is empty. */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value;
  }
  const data = field(value, 'data');
  return Array.isArray(data) ? data : [];
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
