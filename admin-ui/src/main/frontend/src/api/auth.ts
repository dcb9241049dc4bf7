/** Admin credentials: kept in sessionStorage (gone when the tab closes), sent as HTTP Basic on each call. */
export interface Credentials {
  name: string;
  password: string;
}

const STORAGE_KEY = 'kvasir.admin.credentials';

/** The `Authorization` header value for these credentials (UTF-8, as the gateway decodes it). */
export function basicHeader(credentials: Credentials): string {
  const bytes = new TextEncoder().encode(`${credentials.name}:${credentials.password}`);
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return `Basic ${btoa(binary)}`;
}

export function loadCredentials(storage: Storage = sessionStorage): Credentials | null {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) {
    return null;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<Credentials>;
    return typeof parsed.name === 'string' && typeof parsed.password === 'string'
      ? { name: parsed.name, password: parsed.password }
      : null;
  } catch {
    return null;
  }
}

export function saveCredentials(credentials: Credentials, storage: Storage = sessionStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function clearCredentials(storage: Storage = sessionStorage): void {
  storage.removeItem(STORAGE_KEY);
}
