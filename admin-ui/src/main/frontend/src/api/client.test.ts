import { describe, expect, it } from 'vitest';
import { basicHeader, clearCredentials, loadCredentials, saveCredentials } from './auth';
import { AdminClient, ApiError } from './client';
import { field, list } from './json';

describe('credentials', () => {
  it('encode as HTTP Basic in UTF-8', () => {
    expect(basicHeader({ name: 'admin', password: 'secret' })).toBe(`Basic ${btoa('admin:secret')}`);
    expect(basicHeader({ name: 'ädmin', password: 'pässwörd' })).toBe('Basic w6RkbWluOnDDpHNzd8O2cmQ=');
  });

  it('live in sessionStorage until cleared', () => {
    saveCredentials({ name: 'admin', password: 'p' });
    expect(loadCredentials()).toEqual({ name: 'admin', password: 'p' });
    clearCredentials();
    expect(loadCredentials()).toBeNull();
    sessionStorage.setItem('kvasir.admin.credentials', '{not json');
    expect(loadCredentials()).toBeNull();
  });
});

describe('AdminClient', () => {
  const respond = (status: number, body: unknown) => async () =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, statusText: 'x' });

  it('sends the Basic header and JSON bodies under /admin/api', async () => {
    let seen: [string, RequestInit] | null = null;
    const client = new AdminClient(() => ({ name: 'a', password: 'b' }), () => {}, async (url, init) => {
      seen = [url, init!];
      return new Response('{"ok":true}', { status: 200 });
    });
    expect(await client.put('/models/m/profile', { blockSize: 32 }, { 'If-Match': '"3"' })).toEqual({ ok: true });
    const [url, init] = seen!;
    expect(url).toBe('/admin/api/models/m/profile');
    expect(init.method).toBe('PUT');
    expect(init.body).toBe('{"blockSize":32}');
    expect(init.headers).toMatchObject({ Authorization: basicHeader({ name: 'a', password: 'b' }), 'If-Match': '"3"', 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' });
  });

  it("turns an OpenAI-style error into an ApiError with the gateway's message, code and param", async () => {
    const client = new AdminClient(() => null, () => {}, respond(409, { error: { message: 'stale', type: 'invalid_request_error', param: null, code: 'stale_version' } }));
    const error = await client.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, message: 'stale', code: 'stale_version', param: null });
  });

  it('signs out on 401 only', async () => {
    let signedOut = 0;
    await new AdminClient(() => null, () => signedOut++, respond(401, { error: { message: 'no' } })).get('/x').catch(() => {});
    await new AdminClient(() => null, () => signedOut++, respond(403, { error: { message: 'no' } })).get('/x').catch(() => {});
    expect(signedOut).toBe(1);
  });

  it('says so when the gateway cannot be reached, and tolerates empty and non-JSON bodies', async () => {
    const down = new AdminClient(() => null, () => {}, async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(down.get('/x')).rejects.toMatchObject({ status: 0, message: 'The gateway could not be reached (Failed to fetch).' });
    expect(await new AdminClient(() => null, () => {}, respond(204, undefined)).delete('/keys/k')).toBeNull();
    const html = new AdminClient(() => null, () => {}, async () => new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(html.get('/x')).rejects.toMatchObject({ status: 502, message: '502 Bad Gateway' });
  });
});

describe('json helpers', () => {
  it('read camelCase or snake_case fields and bare or wrapped lists', () => {
    expect(field({ prefix_group: 'g' }, 'prefixGroup')).toBe('g');
    expect(field({ prefixGroup: 'h', prefix_group: 'g' }, 'prefixGroup')).toBe('h');
    expect(list([1, 2])).toEqual([1, 2]);
    expect(list({ object: 'list', data: [3] })).toEqual([3]);
    expect(list({ nope: true })).toEqual([]);
  });
});
