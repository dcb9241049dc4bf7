import { useEffect, useRef, useState } from 'preact/hooks';
import type { Credentials } from '../api/auth';
import { AdminClient, ApiError } from '../api/client';
import { describeError, Status } from '../components/Notice';

interface Props {
  client: AdminClient;
  notice: string;
  onSignedIn: (credentials: Credentials) => void;
}

/**
 * Asks for the admin's name and password and checks them with one admin API call before keeping them (in
 * sessionStorage, for this tab only).
 */
export function Login({ client, notice, onSignedIn }: Props) {
  const [name, setName] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Kvasir admin';
    nameInput.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim() || !password) {
      setError(!name.trim() ? 'Enter the admin name.' : 'Enter the password.');
      return;
    }
    setBusy(true);
    setError('');
    const candidate = { name: name.trim(), password };
    const probe = new AdminClient(() => candidate, () => {}, undefined, client.base);
    try {
      await probe.get('/tenants');
      onSignedIn(candidate);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError('Incorrect admin name or password.');
      } else {
        setError(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>Kvasir admin</h1>
      <p>Sign in with the admin credentials (not a tenant API key). They are kept for this browser tab only.</p>
      {notice ? <Status>{notice}</Status> : null}
      <form onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
        <div class="field">
          <label for="login-name">Admin name</label>
          <input id="login-name" ref={nameInput} autocomplete="username" value={name} required
            onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" type="password" autocomplete="current-password" value={password} required
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <p id="login-error" role="alert" class="error">{error}</p>
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
