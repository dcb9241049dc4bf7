import { describe, expect, it } from 'vitest';
import { displayValue, formatBytesInput, formFields, humanize, parseBytes, parseInput, schemaField, schemaFields } from './schema';

const window = schemaField({ name: 'window_tokens', type: 'int', default: 512, min: 16, max: 65536, unit: 'tokens', help: 'Recent tokens kept.' });

describe('schemaField', () => {
  it('reads the contract shape', () => {
    expect(window).toEqual({
      name: 'window_tokens', type: 'int', defaultValue: 512, min: 16, max: 65536, unit: 'tokens', help: 'Recent tokens kept.', choices: [],
    });
  });

  it("reads the engine's ConfigField shape (upper-case type, defaultValue, allowedValues)", () => {
    const f = schemaField({ name: 'policy', type: 'ENUM', defaultValue: 'lru', min: null, max: null, unit: '', help: 'h', allowedValues: ['lru', 'lfu'] });
    expect(f.type).toBe('enum');
    expect(f.defaultValue).toBe('lru');
    expect(f.choices).toEqual(['lru', 'lfu']);
    expect(schemaField({ name: 'on', type: 'BOOLEAN', default_value: true }).type).toBe('bool');
  });

  it('treats a missing default as required and an unknown type as a string', () => {
    const f = schemaField({ name: 'dir', type: 'path' });
    expect(f.type).toBe('string');
    expect(formFields('', [f])[0].required).toBe(true);
  });

  it('lists the fields of a schema object or a bare list, skipping nameless ones', () => {
    expect(schemaFields({ fields: [{ name: 'a', type: 'int', default: 1 }, { type: 'int' }] }).map((f) => f.name)).toEqual(['a']);
    expect(schemaFields([{ name: 'b', type: 'bool', default: false }]).map((f) => f.name)).toEqual(['b']);
    expect(schemaFields(undefined)).toEqual([]);
  });
});

describe('formFields', () => {
  it('picks an input per type and puts each field under the prefix', () => {
    const fields = formFields('eviction.config', schemaFields({
      fields: [
        { name: 'budget_fraction', type: 'double', default: 0.5, min: 0, max: 1 },
        { name: 'sink_tokens', type: 'int', default: 4, min: 0, max: 1024 },
        { name: 'protect_prompt', type: 'bool', default: false },
        { name: 'score', type: 'enum', default: 'sum', choices: ['sum', 'mean'] },
        { name: 'directory', type: 'string', default: '/tmp' },
      ],
    }));
    expect(fields.map((f) => [f.path, f.input, f.step])).toEqual([
      ['eviction.config.budget_fraction', 'number', 'any'],
      ['eviction.config.sink_tokens', 'number', '1'],
      ['eviction.config.protect_prompt', 'checkbox', undefined],
      ['eviction.config.score', 'select', undefined],
      ['eviction.config.directory', 'text', undefined],
    ]);
    expect(fields[0].id).toBe('f-eviction-config-budget_fraction');
    expect(fields[0].label).toBe('Budget fraction');
  });

  it('labels camelCase and snake_case names as words', () => {
    expect(humanize('maxBatchTokens')).toBe('Max batch tokens');
    expect(humanize('window_tokens')).toBe('Window tokens');
  });
});

describe('parseInput', () => {
  it('accepts a whole number in range', () => {
    expect(parseInput(window, ' 1024 ')).toEqual({ ok: true, value: 1024 });
  });

  it('refuses text, fractions and values out of range with the range in words', () => {
    expect(parseInput(window, 'lots')).toEqual({ ok: false, error: 'Enter a number.' });
    expect(parseInput(window, '12.5')).toEqual({ ok: false, error: 'Enter a whole number.' });
    expect(parseInput(window, '8')).toEqual({ ok: false, error: 'Must be between 16 and 65536 tokens.' });
    expect(parseInput(window, '1e9')).toEqual({ ok: false, error: 'Must be between 16 and 65536 tokens.' });
    expect(parseInput(window, '0x20')).toEqual({ ok: false, error: 'Enter a number.' });
  });

  it('leaves an empty input to the default, and requires fields without one', () => {
    expect(parseInput(window, '')).toEqual({ ok: true, value: undefined });
    const required = schemaField({ name: 'directory', type: 'string' });
    expect(parseInput(required, '  ')).toEqual({ ok: false, error: 'Required.' });
  });

  it('checks doubles, one-sided ranges, booleans and choices', () => {
    const fraction = schemaField({ name: 'f', type: 'double', default: 0.5, min: 0, max: 1 });
    expect(parseInput(fraction, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(parseInput(fraction, '1.5')).toEqual({ ok: false, error: 'Must be between 0 and 1.' });
    const atLeast = schemaField({ name: 'n', type: 'long', default: 1, min: 1 });
    expect(parseInput(atLeast, '0')).toEqual({ ok: false, error: 'Must be at least 1.' });
    const flag = schemaField({ name: 'b', type: 'bool', default: false });
    expect(parseInput(flag, true)).toEqual({ ok: true, value: true });
    const choice = schemaField({ name: 'c', type: 'enum', default: 'lru', choices: ['lru', 'lfu'] });
    expect(parseInput(choice, 'fifo')).toEqual({ ok: false, error: 'Choose one of: lru, lfu.' });
  });

  it('reads sizes in binary units and durations', () => {
    const bytes = schemaField({ name: 'capacity_bytes', type: 'bytes', default: 1024, min: 1 });
    expect(parseInput(bytes, '512MiB')).toEqual({ ok: true, value: 512 * 1024 * 1024 });
    expect(parseInput(bytes, '1.5 KiB')).toEqual({ ok: true, value: 1536 });
    expect(parseInput(bytes, '12 parsecs')).toEqual({ ok: false, error: 'Enter a size such as 268435456, 512MiB or 2GiB.' });
    const duration = schemaField({ name: 't', type: 'duration', default: '5s' });
    expect(parseInput(duration, '250ms')).toEqual({ ok: true, value: '250ms' });
    expect(parseInput(duration, 'soon')).toEqual({ ok: false, error: 'Enter a duration such as 500ms, 30s or 5m.' });
  });
});

describe('sizes', () => {
  it('round-trips exact binary sizes', () => {
    expect(formatBytesInput(256 * 1024 * 1024)).toBe('256MiB');
    expect(formatBytesInput(3 * 1024 ** 3)).toBe('3GiB');
    expect(formatBytesInput(1000)).toBe('1000');
    expect(parseBytes(formatBytesInput(48 * 1024))).toBe(48 * 1024);
    expect(parseBytes('')).toBeNull();
  });

  it('shows the default when a value is absent', () => {
    expect(displayValue(window, undefined)).toBe('512');
    expect(displayValue(window, 2048)).toBe('2048');
    expect(displayValue(schemaField({ name: 'b', type: 'bool', default: true }), null)).toBe(true);
  });
});
