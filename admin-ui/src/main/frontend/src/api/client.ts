import { basicHeader, type Credentials } from './auth';
import { field, isObject, str } from './json';

/**
 * An error answer of the admin API, in the OpenAI shape the gateway uses:
 * `{"error":{"message","type","param","code"}}`; `status` 0 means the gateway could not be reached.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads an error response body into an {@link ApiError}. */
export function apiError(status: number, statusText: string, body: unknown): ApiError {
  const error = field(body, 'error');
  if (isObject(error)) {
    const code = str(error, 'code') || null;
    const param = str(error, 'param') || null;
    const message = str(error, 'message') || `${status} ${statusText}`;
    return new ApiError(status, message, code, param, body);
  }
  return new ApiError(status, `${status} ${statusText}`.trim(), null, null, body);
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Calls the admin API under `/admin/api` with the signed-in admin's HTTP Basic credentials. A 401 means the
 * credentials are no longer good: `onUnauthorized` signs the console out.
 */
export class AdminClient {
  constructor(
    private readonly credentials: () => Credentials | null,
    private readonly onUnauthorized: () => void = () => {},
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    readonly base = '/admin/api',
  ) {}

  /** The headers every call carries. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const creds = this.credentials();
    // X-Requested-With: the gateway then answers a 401 with a challenge the browser leaves to this console,
    // instead of opening its own Basic login dialog.
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...extra };
    if (creds) {
      headers.Authorization = basicHeader(creds);
    }
    return headers;
  }

  async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers = this.headers(extraHeaders);
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, init);
    } catch (e) {
      throw new ApiError(0, `The gateway could not be reached (${(e as Error).message}).`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) {
      if (response.status === 401) {
        this.onUnauthorized();
      }
      throw apiError(response.status, response.statusText, parsed);
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  put<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('PUT', path, body, headers);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** A path segment made safe for a URL (model names, tenant ids). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
