import { field, isObject, list, optNum, str } from '../api/json';

/** The value types a plugin's config schema uses (the gateway may spell them upper case). */
export type FieldType = 'int' | 'long' | 'double' | 'bool' | 'string' | 'enum' | 'bytes' | 'duration';

/** One configuration field of a plugin, as the console renders it. */
export interface SchemaField {
  name: string;
  type: FieldType;
  /** The value when unset; null: required. */
  defaultValue: unknown;
  min: number | null;
  max: number | null;
  unit: string;
  help: string;
  choices: string[];
}

const TYPES: Record<string, FieldType> = {
  int: 'int', integer: 'int', long: 'long', double: 'double', float: 'double', number: 'double',
  bool: 'bool', boolean: 'bool', string: 'string', enum: 'enum', bytes: 'bytes', duration: 'duration',
};

/** A schema field from the API (`default`/`defaultValue`, `choices`/`allowedValues`, any letter case). */
export function schemaField(raw: unknown): SchemaField {
  const type = TYPES[str(raw, 'type', 'string').toLowerCase()] ?? 'string';
  const defaultValue = field(raw, 'default') ?? field(raw, 'defaultValue') ?? null;
  const choices = (field(raw, 'choices') ?? field(raw, 'allowedValues')) as unknown;
  return {
    name: str(raw, 'name'),
    type,
    defaultValue,
    min: optNum(raw, 'min'),
    max: optNum(raw, 'max'),
    unit: str(raw, 'unit'),
    help: str(raw, 'help'),
    choices: Array.isArray(choices) ? choices.map(String) : [],
  };
}

/** The fields of a `{"fields":[...]}` schema (or a bare list of fields). */
export function schemaFields(schema: unknown): SchemaField[] {
  const fields = isObject(schema) ? field(schema, 'fields') : schema;
  return list(fields).map(schemaField).filter((f) => f.name.length > 0);
}

/** One input of a generated form: where its value goes, and how to render and check it. */
export interface FormField extends SchemaField {
  /** Where the value lives in the profile, e.g. `eviction.config.window_tokens` or `blockSize`. */
  path: string;
  /** A DOM id derived from the path. */
  id: string;
  label: string;
  input: 'number' | 'checkbox' | 'text' | 'select';
  required: boolean;
  /** The `step` of a number input. */
  step: string | undefined;
}

/** Words for a snake_case or camelCase key: `budget_fraction` → `Budget fraction`. */
export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.length === 0 ? words : words[0].toUpperCase() + words.slice(1);
}

export function domId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The form inputs for one schema, each under `prefix` (e.g. `eviction.config`). */
export function formFields(prefix: string, fields: SchemaField[]): FormField[] {
  return fields.map((f) => {
    const path = prefix.length > 0 ? `${prefix}.${f.name}` : f.name;
    const input: FormField['input'] =
      f.type === 'bool' ? 'checkbox'
        : f.type === 'enum' ? 'select'
          : f.type === 'int' || f.type === 'long' || f.type === 'double' ? 'number' : 'text';
    return {
      ...f,
      path,
      id: domId(path),
      label: humanize(f.name),
      input,
      required: f.defaultValue === null || f.defaultValue === undefined,
      step: f.type === 'double' ? 'any' : input === 'number' ? '1' : undefined,
    };
  });
}

/** What the form shows for a value (its input's text, or a checkbox's state). */
export function displayValue(f: SchemaField, value: unknown): string | boolean {
  const v = value === undefined || value === null ? f.defaultValue : value;
  if (f.type === 'bool') {
    return v === true || v === 'true';
  }
  if (v === undefined || v === null) {
    return '';
  }
  if (f.type === 'bytes' && typeof v === 'number') {
    return formatBytesInput(v);
  }
  return String(v);
}

/** A parsed input: the value to send (undefined: leave it to the default), or what is wrong with it. */
export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};

/** `256MiB`, `1.5 GiB`, `4096` → bytes (binary units); null when it is not a size. */
export function parseBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!m) {
    return null;
  }
  const unit = BYTE_UNITS[m[2].toLowerCase()];
  if (unit === undefined) {
    return null;
  }
  const bytes = Number(m[1]) * unit;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : null;
}

/** Bytes as the shortest exact binary-unit text: 268435456 → `256MiB`. */
export function formatBytesInput(bytes: number): string {
  for (const [unit, size] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) {
      return `${bytes / size}${unit}`;
    }
  }
  return String(bytes);
}

function range(f: SchemaField): string {
  const unit = f.unit ? ` ${f.unit}` : '';
  if (f.min !== null && f.max !== null) {
    return `between ${f.min} and ${f.max}${unit}`;
  }
  return f.min !== null ? `at least ${f.min}${unit}` : `at most ${f.max}${unit}`;
}

/**
 * Checks one input against its field, with the rules the gateway applies (whole numbers for int and long,
 * finite numbers, the range, one of the choices). An empty input means "the default"; it is an error only for a
 * field without one.
 */
export function parseInput(f: SchemaField, raw: string | boolean): Parsed {
  if (f.type === 'bool') {
    return { ok: true, value: raw === true || raw === 'true' };
  }
  const text = String(raw).trim();
  if (text.length === 0) {
    return f.defaultValue === null || f.defaultValue === undefined
      ? { ok: false, error: 'Required.' }
      : { ok: true, value: undefined };
  }
  let value: unknown = text;
  switch (f.type) {
    case 'int':
    case 'long':
    case 'double': {
      const n = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(n)) {
        return { ok: false, error: 'Enter a number.' };
      }
      if (f.type !== 'double' && !Number.isInteger(n)) {
        return { ok: false, error: 'Enter a whole number.' };
      }
      if (f.type === 'int' && (n < -(2 ** 31) || n > 2 ** 31 - 1)) {
        return { ok: false, error: 'Too large for this field.' };
      }
      value = n;
      break;
    }
    case 'bytes': {
      const n = parseBytes(text);
      if (n === null) {
        return { ok: false, error: 'Enter a size such as 268435456, 512MiB or 2GiB.' };
      }
      value = n;
      break;
    }
    case 'duration':
      if (!/^\d+(\.\d+)?\s*(ms|s|m|h)$/.test(text) && !/^P/.test(text)) {
        return { ok: false, error: 'Enter a duration such as 500ms, 30s or 5m.' };
      }
      break;
    case 'enum':
      if (!f.choices.includes(text)) {
        return { ok: false, error: `Choose one of: ${f.choices.join(', ')}.` };
      }
      break;
    default:
      break;
  }
  if (typeof value === 'number' && ((f.min !== null && value < f.min) || (f.max !== null && value > f.max))) {
    return { ok: false, error: `Must be ${range(f)}.` };
  }
  return { ok: true, value };
}
