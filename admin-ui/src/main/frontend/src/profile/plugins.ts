import { field, isObject, list, num, str } from '../api/json';
import { schemaFields, type SchemaField } from './schema';

/** The six plugin choices of a model profile, in the order the editor shows them. */
export type Slot = 'codec' | 'prefixIndex' | 'eviction' | 'preemption' | 'offloadTier' | 'scheduling';

export interface SlotInfo {
  slot: Slot;
  label: string;
  /** The keys the plugins endpoint may list this kind under. */
  kinds: string[];
  /** Whether `none` turns this kind off without a provider of that name. */
  noneWithoutProvider: boolean;
}

export const SLOTS: readonly SlotInfo[] = [
  { slot: 'codec', label: 'KV codec', kinds: ['kv-codec', 'codec', 'kvCodec'], noneWithoutProvider: false },
  { slot: 'prefixIndex', label: 'Prefix index', kinds: ['prefix-index', 'prefixIndex'], noneWithoutProvider: true },
  { slot: 'eviction', label: 'Eviction', kinds: ['eviction'], noneWithoutProvider: false },
  { slot: 'preemption', label: 'Preemption', kinds: ['preemption'], noneWithoutProvider: false },
  { slot: 'offloadTier', label: 'Offload tier', kinds: ['offload-tier', 'offloadTier'], noneWithoutProvider: true },
  { slot: 'scheduling', label: 'Scheduling', kinds: ['scheduling'], noneWithoutProvider: false },
];

export type PluginStatus = 'loaded' | 'failed' | 'disabled';

/** An installed provider of one kind. */
export interface PluginInfo {
  name: string;
  description: string;
  status: PluginStatus | string;
  failure: string | null;
  /** The jar or directory it came from (empty when not said). */
  source: string;
  /** How often it threw during an engine step and was replaced by the default. */
  stepFailures: number;
  fields: SchemaField[];
}

/** The installed providers per kind, under the kind's name as the API lists it and by slot. */
export interface PluginCatalog {
  /** Every kind the API listed, in its order, with its own key (e.g. `kv-codec`). */
  kinds: { kind: string; slot: Slot | null; plugins: PluginInfo[] }[];
  bySlot: Record<Slot, PluginInfo[]>;
}

export function pluginInfo(raw: unknown): PluginInfo {
  const failure = field(raw, 'failure');
  return {
    name: str(raw, 'name'),
    description: str(raw, 'description'),
    status: str(raw, 'status', 'loaded').toLowerCase(),
    failure: failure === null || failure === undefined || failure === '' ? null : String(failure),
    source: str(raw, 'source'),
    stepFailures: num(raw, 'stepFailures'),
    fields: schemaFields(field(raw, 'schema') ?? field(raw, 'fields')),
  };
}

/** Reads `GET /admin/api/plugins`: an object of kind → providers. */
export function pluginCatalog(raw: unknown): PluginCatalog {
  const bySlot = Object.fromEntries(SLOTS.map((s) => [s.slot, [] as PluginInfo[]])) as Record<Slot, PluginInfo[]>;
  const kinds: PluginCatalog['kinds'] = [];
  const source = isObject(raw) && isObject(field(raw, 'data')) ? (field(raw, 'data') as object) : raw;
  if (isObject(source)) {
    for (const [kind, providers] of Object.entries(source)) {
      if (kind === 'object') {
        continue;
      }
      const plugins = list(providers).map(pluginInfo);
      const slot = SLOTS.find((s) => s.kinds.includes(kind))?.slot ?? null;
      kinds.push({ kind, slot, plugins });
      if (slot) {
        bySlot[slot].push(...plugins);
      }
    }
  }
  return { kinds, bySlot };
}

/** The names a slot's select offers: the loaded providers, plus `none` where it turns the kind off. */
export function choiceNames(catalog: PluginCatalog, slot: SlotInfo, current: string): string[] {
  const names = catalog.bySlot[slot.slot].filter((p) => p.status === 'loaded').map((p) => p.name);
  if (slot.noneWithoutProvider && !names.includes('none')) {
    names.push('none');
  }
  if (current && !names.includes(current)) {
    names.push(current);
  }
  return names;
}
