import { describe, expect, it } from 'vitest';
import { buildProfile, choiceOf, choose, initialState, problemPath } from './editor';
import { pluginCatalog } from './plugins';

const catalog = pluginCatalog({
  'kv-codec': [
    { name: 'f32', description: 'exact', status: 'loaded', schema: { fields: [] } },
    { name: 'int8', description: 'per token and head', status: 'loaded', schema: { fields: [] } },
  ],
  'prefix-index': [{ name: 'hash', description: 'chained hashes', status: 'loaded', schema: { fields: [] } }],
  eviction: [
    { name: 'none', description: 'keep all', status: 'loaded', schema: { fields: [] } },
    {
      name: 'streaming', description: 'sinks + window', status: 'loaded',
      schema: { fields: [
        { name: 'sink_tokens', type: 'int', default: 4, min: 0, max: 1024 },
        { name: 'window_tokens', type: 'int', default: 512, min: 16, max: 65536 },
      ] },
    },
  ],
  preemption: [{ name: 'recompute', description: '', status: 'loaded', schema: { fields: [] } }],
  'offload-tier': [{ name: 'host', description: '', status: 'failed', failure: 'no memory', schema: { fields: [] } }],
  scheduling: [{ name: 'fcfs', description: '', status: 'loaded', schema: { fields: [] } }],
});

const nested = {
  modelFile: 'stories260K.gguf', backend: 'cpu', kvCacheBytes: 64 * 1024 * 1024, blockSize: 16, maxBatchTokens: 512,
  maxRunningRequests: 32, maxWaitingRequests: 256, threads: 0, contextLength: 0, futureField: 'kept',
  plugins: {
    codec: { name: 'f32', config: {} }, prefixIndex: { name: 'hash', config: {} },
    eviction: { name: 'streaming', config: { sink_tokens: 2, window_tokens: 128 } },
    preemption: { name: 'recompute', config: {} }, offloadTier: { name: 'none', config: {} }, scheduling: { name: 'fcfs', config: {} },
  },
};

describe('the profile editor', () => {
  it('starts from the stored profile, sizes in binary units', () => {
    const state = initialState(nested, catalog);
    expect(state.choices).toEqual({ codec: 'f32', prefixIndex: 'hash', eviction: 'streaming', preemption: 'recompute', offloadTier: 'none', scheduling: 'fcfs' });
    expect(state.values.kvCacheBytes).toBe('64MiB');
    expect(state.values['eviction.config.window_tokens']).toBe('128');
  });

  it('builds an unchanged profile from an untouched form, keeping fields it does not know', () => {
    const { profile, errors } = buildProfile(nested, initialState(nested, catalog), catalog);
    expect(errors).toEqual({});
    expect(profile).toEqual(nested);
  });

  it('writes a changed codec where the profile keeps its plugins', () => {
    const state = choose(initialState(nested, catalog), catalog, nested, 'codec', 'int8');
    const { profile } = buildProfile(nested, state, catalog);
    expect(choiceOf(profile, 'codec')).toEqual({ name: 'int8', config: {} });
    expect((profile.plugins as Record<string, unknown>).codec).toEqual({ name: 'int8', config: {} });
    expect(profile.codec).toBeUndefined();
  });

  it('reads and writes plugin choices kept at the top level (the draft contract)', () => {
    const flat = { modelFile: 'm.gguf', codec: { name: 'f32', config: {} }, eviction: 'none' };
    const state = choose(initialState(flat, catalog), catalog, flat, 'codec', 'int8');
    const { profile } = buildProfile(flat, state, catalog);
    expect(profile.codec).toEqual({ name: 'int8', config: {} });
    expect(profile.eviction).toEqual({ name: 'none', config: {} });
    expect(profile.plugins).toBeUndefined();
    expect(profile.blockSize).toBe(16);
  });

  it("starts another plugin's inputs from its defaults, and the stored plugin's from the stored config", () => {
    let state = choose(initialState(nested, catalog), catalog, nested, 'eviction', 'none');
    expect(Object.keys(state.values).filter((k) => k.startsWith('eviction.'))).toEqual([]);
    state = choose(state, catalog, nested, 'eviction', 'streaming');
    expect(state.values['eviction.config.window_tokens']).toBe('128');
    const fresh = { ...nested, plugins: { ...nested.plugins, eviction: { name: 'none', config: {} } } };
    const other = choose(initialState(fresh, catalog), catalog, fresh, 'eviction', 'streaming');
    expect(other.values['eviction.config.window_tokens']).toBe('512');
  });

  it('reports wrong inputs by path and leaves empty plugin inputs to their defaults', () => {
    const state = initialState(nested, catalog);
    state.values.blockSize = '0';
    state.values.kvCacheBytes = 'a lot';
    state.values['eviction.config.window_tokens'] = '';
    state.values['eviction.config.sink_tokens'] = '1.5';
    const { profile, errors } = buildProfile(nested, state, catalog);
    expect(errors).toEqual({
      blockSize: 'Must be between 1 and 1024 tokens.',
      kvCacheBytes: 'Enter a size such as 268435456, 512MiB or 2GiB.',
      'eviction.config.sink_tokens': 'Enter a whole number.',
    });
    expect(choiceOf(profile, 'eviction').config).toEqual({});
  });

  it("maps the gateway's problem fields onto the editor's inputs", () => {
    expect(problemPath('plugins.eviction.config.window_tokens')).toBe('eviction.config.window_tokens');
    expect(problemPath('blockSize')).toBe('blockSize');
    expect(problemPath('profile.kvCacheBytes')).toBe('kvCacheBytes');
  });
});

describe('the plugin catalog', () => {
  it('files kinds under their slots and keeps failures', () => {
    expect(catalog.bySlot.codec.map((p) => p.name)).toEqual(['f32', 'int8']);
    expect(catalog.bySlot.offloadTier[0]).toMatchObject({ status: 'failed', failure: 'no memory' });
    expect(catalog.kinds.map((k) => [k.kind, k.slot])).toContainEqual(['kv-codec', 'codec']);
  });
});
