import { field, isObject, list, num, str } from '../api/json';
import { parseInput, type SchemaField } from '../profile/schema';

export interface Limits {
  requestsPerMinute: number;
  tokensPerMinute: number;
  maxConcurrent: number;
  maxQueued: number;
}

export interface ApiKey {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface Tenant {
  id: string;
  name: string;
  weight: number;
  prefixGroup: string | null;
  limits: Limits;
  disabled: boolean;
  version: number | null;
  keys: ApiKey[];
}

export function readTenant(raw: unknown): Tenant {
  const limits = field(raw, 'limits');
  const version = field(raw, 'version');
  const group = field(raw, 'prefixGroup');
  return {
    id: str(raw, 'id'),
    name: str(raw, 'name'),
    weight: num(raw, 'weight', 1),
    prefixGroup: typeof group === 'string' && group.length > 0 ? group : null,
    limits: {
      requestsPerMinute: num(limits, 'requestsPerMinute'),
      tokensPerMinute: num(limits, 'tokensPerMinute'),
      maxConcurrent: num(limits, 'maxConcurrent'),
      maxQueued: num(limits, 'maxQueued'),
    },
    disabled: field(raw, 'disabled') === true,
    version: typeof version === 'number' ? version : null,
    keys: list(field(raw, 'keys')).map((k) => {
      const revoked = field(k, 'revokedAt');
      return { id: str(k, 'id'), prefix: str(k, 'prefix'), createdAt: str(k, 'createdAt'), revokedAt: revoked ? String(revoked) : null };
    }),
  };
}

export function readTenants(raw: unknown): Tenant[] {
  return list(raw).map(readTenant);
}

/** A key just issued, with its secret: `{"id","key"}`, `{"id","secret"}`, or a created tenant's `key`. */
export interface IssuedKey {
  id: string;
  secret: string;
}

export function readIssuedKey(raw: unknown): IssuedKey | null {
  const nested = field(raw, 'key');
  if (typeof nested === 'string') {
    return { id: str(raw, 'id') || str(field(raw, 'tenant'), 'id'), secret: nested };
  }
  if (isObject(nested)) {
    return readIssuedKey(nested);
  }
  const secret = str(raw, 'secret');
  return secret ? { id: str(raw, 'id'), secret } : null;
}

/** Per-tenant usage (`GET /admin/api/tenants/{id}/usage`). */
export interface Usage {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  generatedTokens: number;
  rejected: number;
}

export function readUsage(raw: unknown): Usage {
  const totals = isObject(field(raw, 'total')) ? field(raw, 'total') : raw;
  return {
    requests: num(totals, 'requests'),
    promptTokens: num(totals, 'promptTokens'),
    cachedTokens: num(totals, 'cachedTokens'),
    generatedTokens: num(totals, 'generatedTokens') || num(totals, 'completionTokens'),
    rejected: num(totals, 'rejected'),
  };
}

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The tenant form's inputs, with the gateway's ranges; empty limits take the gateway's defaults. */
export const TENANT_FIELDS: Record<string, SchemaField> = {
  name: { name: 'name', type: 'string', defaultValue: null, min: null, max: null, unit: '', choices: [], help: 'Display name, 1 to 200 characters.' },
  weight: { name: 'weight', type: 'double', defaultValue: 1, min: 0.000001, max: 1_000_000, unit: '', choices: [], help: 'Fair-share weight: a tenant of weight 2 gets twice the service of weight 1 when both wait.' },
  prefixGroup: { name: 'prefix_group', type: 'string', defaultValue: '', min: null, max: null, unit: '', choices: [], help: 'Tenants in the same group share prefix-cache entries; empty: its own.' },
  requestsPerMinute: { name: 'requests_per_minute', type: 'int', defaultValue: '', min: 0, max: null, unit: '', choices: [], help: '0: unlimited; empty: the default.' },
  tokensPerMinute: { name: 'tokens_per_minute', type: 'long', defaultValue: '', min: 0, max: null, unit: '', choices: [], help: 'Prompt plus completion tokens; 0: unlimited; empty: the default.' },
  maxConcurrent: { name: 'max_concurrent', type: 'int', defaultValue: '', min: 1, max: null, unit: '', choices: [], help: 'Requests in flight at once; empty: the default.' },
  maxQueued: { name: 'max_queued', type: 'int', defaultValue: '', min: 0, max: null, unit: '', choices: [], help: 'Requests waiting for a slot before 429; empty: the default.' },
};

export type TenantInputs = Record<keyof typeof TENANT_FIELDS, string>;

export function tenantInputs(tenant: Tenant | null): TenantInputs {
  return {
    name: tenant?.name ?? '',
    weight: String(tenant?.weight ?? 1),
    prefixGroup: tenant?.prefixGroup ?? '',
    requestsPerMinute: tenant ? String(tenant.limits.requestsPerMinute) : '',
    tokensPerMinute: tenant ? String(tenant.limits.tokensPerMinute) : '',
    maxConcurrent: tenant ? String(tenant.limits.maxConcurrent) : '',
    maxQueued: tenant ? String(tenant.limits.maxQueued) : '',
  };
}

/** The request body (snake_case, as the gateway reads tenants), or what is wrong with the inputs. */
export function tenantBody(inputs: TenantInputs): { body: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(TENANT_FIELDS)) {
    const parsed = parseInput(f, inputs[key as keyof TenantInputs] ?? '');
    if (!parsed.ok) {
      errors[key] = parsed.error;
      continue;
    }
    const value = parsed.value;
    if (key === 'name') {
      const name = String(value ?? '').trim();
      if (name.length === 0 || name.length > 200) {
        errors[key] = 'Enter a name of 1 to 200 characters.';
      } else {
        body.name = name;
      }
    } else if (key === 'weight') {
      body.weight = value ?? 1;
    } else if (key === 'prefixGroup') {
      const group = String(value ?? '').trim();
      if (group && !ID_PATTERN.test(group)) {
        errors[key] = 'Lower-case letters, digits, - and _, starting with a letter or digit (at most 64).';
      } else {
        body.prefix_group = group;
      }
    } else if (value !== undefined && value !== '') {
      limits[f.name] = value;
    }
  }
  if (Object.keys(limits).length > 0) {
    body.limits = limits;
  }
  return { body, errors };
}
