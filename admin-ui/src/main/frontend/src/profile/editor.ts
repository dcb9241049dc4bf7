import { field, isObject, type Json } from '../api/json';
import { SLOTS, type PluginCatalog, type Slot } from './plugins';
import { displayValue, formFields, parseInput, type FormField, type SchemaField } from './schema';

/** A plugin choice as a profile holds it. */
export interface Choice {
  name: string;
  config: Record<string, unknown>;
}

function scalar(name: string, type: SchemaField['type'], defaultValue: unknown, min: number | null, max: number | null,
  unit: string, help: string, choices: string[] = []): SchemaField {
  return { name, type, defaultValue, min, max, unit, help, choices };
}

/** The profile's scalar fields, in the editor's order, with the gateway's defaults and ranges. */
export const PROFILE_FIELDS: readonly SchemaField[] = [
  scalar('modelFile', 'string', null, null, null, '', 'The GGUF file, relative to a configured model directory.'),
  scalar('backend', 'enum', 'cpu', null, null, '', 'Where the model runs.', ['cpu']),
  scalar('kvCacheBytes', 'bytes', 256 * 1024 * 1024, 1, null, 'bytes', 'KV memory of one engine instance, e.g. 256MiB.'),
  scalar('blockSize', 'int', 16, 1, 1024, 'tokens', 'Tokens per KV block.'),
  scalar('maxBatchTokens', 'int', 256, 1, null, 'tokens', 'The token budget of one engine step.'),
  scalar('maxRunningRequests', 'int', 32, 1, null, 'requests', 'Requests running at once.'),
  scalar('maxWaitingRequests', 'int', 256, 0, null, 'requests', 'Requests queued in the engine before it answers "overloaded".'),
  scalar('threads', 'int', 0, 0, 1024, 'threads', 'Kernel worker threads; 0: all cores.'),
  scalar('contextLength', 'int', 0, 0, null, 'tokens', "Tokens a request may span; 0: the model's own."),
];

/** The form inputs of the scalar fields. */
export const PROFILE_FORM: readonly FormField[] = formFields('', [...PROFILE_FIELDS]);

/** Where a profile keeps its plugin choices: under `plugins` (the gateway's record) or at the top level. */
function choiceHolder(profile: Json): Json {
  const plugins = field(profile, 'plugins');
  return isObject(plugins) ? plugins : profile;
}

export function choiceOf(profile: Json, slot: Slot): Choice {
  const raw = choiceHolder(profile)[slot];
  if (typeof raw === 'string') {
    return { name: raw, config: {} };
  }
  const name = isObject(raw) && typeof raw.name === 'string' ? raw.name : '';
  const config = isObject(raw) && isObject(raw.config) ? { ...raw.config } : {};
  return { name, config };
}

/** The editor's state: the chosen plugin per slot and the text of every input, by path. */
export interface EditorState {
  choices: Record<Slot, string>;
  values: Record<string, string | boolean>;
}

/** The inputs of a slot's chosen plugin (`eviction.config.<field>`). */
export function pluginForm(catalog: PluginCatalog, slot: Slot, name: string): FormField[] {
  const plugin = catalog.bySlot[slot].find((p) => p.name === name);
  return plugin ? formFields(`${slot}.config`, plugin.fields) : [];
}

/** Every input the editor shows for this state, scalar fields first. */
export function allInputs(catalog: PluginCatalog, choices: Record<Slot, string>): FormField[] {
  return [...PROFILE_FORM, ...SLOTS.flatMap((s) => pluginForm(catalog, s.slot, choices[s.slot]))];
}

/** The editor's state for a stored profile. */
export function initialState(profile: Json, catalog: PluginCatalog): EditorState {
  const choices = Object.fromEntries(SLOTS.map((s) => [s.slot, choiceOf(profile, s.slot).name])) as Record<Slot, string>;
  const values: Record<string, string | boolean> = {};
  for (const f of PROFILE_FORM) {
    values[f.path] = displayValue(f, profile[f.name]);
  }
  for (const s of SLOTS) {
    const current = choiceOf(profile, s.slot);
    for (const f of pluginForm(catalog, s.slot, current.name)) {
      values[f.path] = displayValue(f, current.config[f.name]);
    }
  }
  return { choices, values };
}

/**
 * The state after picking another plugin for a slot: that slot's inputs start from the stored configuration when
 * the stored plugin is picked again, else from the new plugin's defaults.
 */
export function choose(state: EditorState, catalog: PluginCatalog, stored: Json, slot: Slot, name: string): EditorState {
  const values = Object.fromEntries(Object.entries(state.values).filter(([path]) => !path.startsWith(`${slot}.config.`)));
  const saved = choiceOf(stored, slot);
  for (const f of pluginForm(catalog, slot, name)) {
    values[f.path] = displayValue(f, saved.name === name ? saved.config[f.name] : undefined);
  }
  return { choices: { ...state.choices, [slot]: name }, values };
}

/** A profile built from the editor, or what is wrong with its inputs (by path). */
export interface Built {
  profile: Json;
  errors: Record<string, string>;
}

/**
 * The profile to send: `base` with the edited fields and choices, written where `base` keeps them, so fields the
 * console does not know are kept. Empty plugin inputs are left out (the plugin's default applies); empty scalar
 * inputs take the default shown in the form.
 */
export function buildProfile(base: Json, state: EditorState, catalog: PluginCatalog): Built {
  const errors: Record<string, string> = {};
  const profile: Json = { ...base };
  for (const f of PROFILE_FORM) {
    const parsed = parseInput(f, state.values[f.path] ?? '');
    if (!parsed.ok) {
      errors[f.path] = parsed.error;
    } else {
      profile[f.name] = parsed.value === undefined ? f.defaultValue : parsed.value;
    }
  }
  const holder: Json = isObject(field(base, 'plugins')) ? { ...(base.plugins as Json) } : profile;
  for (const s of SLOTS) {
    const name = state.choices[s.slot];
    const config: Record<string, unknown> = {};
    for (const f of pluginForm(catalog, s.slot, name)) {
      const parsed = parseInput(f, state.values[f.path] ?? '');
      if (!parsed.ok) {
        errors[f.path] = parsed.error;
      } else if (parsed.value !== undefined) {
        config[f.name] = parsed.value;
      }
    }
    holder[s.slot] = { name, config };
  }
  if (holder !== profile) {
    profile.plugins = holder;
  }
  return { profile, errors };
}

/** A problem's field as the gateway names it (`plugins.eviction.config.window`) → the editor's input path. */
export function problemPath(fieldName: string): string {
  return fieldName.replace(/^profile\./, '').replace(/^plugins\./, '');
}
