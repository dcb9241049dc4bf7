import { describe, expect, it } from 'vitest';
import { describeChange, describeOutcome, readHistory, readProblems, readProfileDocument } from './document';

describe('profile documents', () => {
  it('read a stored profile with its version', () => {
    const doc = readProfileDocument({ model: 'm', version: 3, profile: { blockSize: 16 }, change: 'apply', updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'admin' });
    expect(doc).toEqual({ model: 'm', version: 3, profile: { blockSize: 16 }, updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'admin' });
  });

  it('read the history newest first, with how each version came', () => {
    const history = readHistory([
      { version: 1, profile: {}, change: 'initial', updatedBy: 'kvasir', updatedAt: 't1' },
      { version: 3, profile: {}, change: 'rollback', restoredVersion: 1, updatedBy: 'admin', updatedAt: 't3' },
      { version: 2, profile: {}, change: 'apply', updatedBy: 'admin', updatedAt: 't2' },
    ]);
    expect(history.map((h) => [h.version, describeChange(h), h.changedBy])).toEqual([
      [3, 'rollback to 1', 'admin'], [2, 'apply', 'admin'], [1, 'initial', 'kvasir'],
    ]);
  });

  it('say what an apply did', () => {
    expect(describeOutcome('m', { version: 4, outcome: 'new_instance' }, 3)).toBe('Applied: m is now at profile version 4. A new engine instance serves new requests; the old one drains.');
    expect(describeOutcome('m', { version: 4, outcome: 'live' }, 3)).toBe('Applied: m is now at profile version 4. In effect from the next engine step.');
    expect(describeOutcome('m', { version: 3, outcome: 'unchanged' }, 3)).toBe('No change: the profile already was this (still version 3).');
    expect(describeOutcome('m', { version: 3 }, 3)).toBe('No change: the profile already was this (still version 3).');
  });

  it('read problems from a validation, a 400 body, or a bare error', () => {
    expect(readProblems({ valid: false, problems: [{ field: 'blockSize', message: 'must be in [1, 1024], got 0' }] }))
      .toEqual([{ field: 'blockSize', message: 'must be in [1, 1024], got 0' }]);
    expect(readProblems({ error: { message: 'bad', param: 'modelFile', problems: [{ field: 'modelFile', message: 'outside' }] } }))
      .toEqual([{ field: 'modelFile', message: 'outside' }]);
    expect(readProblems({ error: { message: "'limit' must be between 1 and 1000.", param: 'limit' } }))
      .toEqual([{ field: 'limit', message: "'limit' must be between 1 and 1000." }]);
  });
});
