import { describe, expect, it } from 'vitest';
import { readIssuedKey, readTenant, readUsage, tenantBody, tenantInputs } from './model';

const view = {
  id: 'acme', name: 'Acme', weight: 2, prefix_group: 'shared', created_at: '2026-01-01T00:00:00Z', disabled: false, version: 3,
  limits: { requests_per_minute: 60, tokens_per_minute: 0, max_concurrent: 4, max_queued: 8 },
  keys: [{ id: 'k1', tenant_id: 'acme', prefix: 'kv-abcd', created_at: '2026-01-01T00:00:00Z', revoked_at: null }],
};

describe('tenants', () => {
  it("read the gateway's snake_case view", () => {
    expect(readTenant(view)).toEqual({
      id: 'acme', name: 'Acme', weight: 2, prefixGroup: 'shared', disabled: false, version: 3,
      limits: { requestsPerMinute: 60, tokensPerMinute: 0, maxConcurrent: 4, maxQueued: 8 },
      keys: [{ id: 'k1', prefix: 'kv-abcd', createdAt: '2026-01-01T00:00:00Z', revokedAt: null }],
    });
  });

  it('find the secret of a key just issued, in each shape the API gives it', () => {
    expect(readIssuedKey({ tenant: view, key: { id: 'k2', tenant_id: 'acme', prefix: 'kv-x', secret: 'kv-secret' } })).toEqual({ id: 'k2', secret: 'kv-secret' });
    expect(readIssuedKey({ tenant: view, key: 'kv-contract' })).toEqual({ id: 'acme', secret: 'kv-contract' });
    expect(readIssuedKey({ id: 'k3', key: 'kv-rotated' })).toEqual({ id: 'k3', secret: 'kv-rotated' });
    expect(readIssuedKey({ id: 'k4' })).toBeNull();
  });

  it('read usage totals, as the contract or as /v1/usage writes them', () => {
    expect(readUsage({ requests: 3, promptTokens: 30, cachedTokens: 10, generatedTokens: 5, rejected: 1 }))
      .toEqual({ requests: 3, promptTokens: 30, cachedTokens: 10, generatedTokens: 5, rejected: 1 });
    expect(readUsage({ total: { requests: 2, prompt_tokens: 7, completion_tokens: 4 } }))
      .toEqual({ requests: 2, promptTokens: 7, cachedTokens: 0, generatedTokens: 4, rejected: 0 });
  });
});

describe('the tenant form', () => {
  it('sends snake_case and leaves empty limits to the defaults', () => {
    const inputs = { ...tenantInputs(null), name: '  Acme Corp ', weight: '2.5', requestsPerMinute: '120' };
    expect(tenantBody(inputs)).toEqual({
      body: { name: 'Acme Corp', weight: 2.5, prefix_group: '', limits: { requests_per_minute: 120 } },
      errors: {},
    });
  });

  it('shows what is wrong with each input', () => {
    const inputs = { ...tenantInputs(null), name: '', weight: '-1', prefixGroup: 'Not Valid', maxConcurrent: '0', tokensPerMinute: '1.5' };
    expect(tenantBody(inputs).errors).toEqual({
      name: 'Required.',
      weight: 'Must be between 0.000001 and 1000000.',
      prefixGroup: 'Lower-case letters, digits, - and _, starting with a letter or digit (at most 64).',
      maxConcurrent: 'Must be at least 1.',
      tokensPerMinute: 'Enter a whole number.',
    });
  });

  it("starts from a tenant's values when editing", () => {
    expect(tenantInputs(readTenant(view))).toEqual({
      name: 'Acme', weight: '2', prefixGroup: 'shared', requestsPerMinute: '60', tokensPerMinute: '0', maxConcurrent: '4', maxQueued: '8',
    });
  });
});
