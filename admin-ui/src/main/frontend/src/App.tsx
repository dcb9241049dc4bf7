import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clearCredentials, loadCredentials, saveCredentials, type Credentials } from './api/auth';
import { AdminClient } from './api/client';
import { StatsFeed } from './stats/feed';
import { Login } from './pages/Login';
import { Overview } from './pages/Overview';
import { Models } from './pages/Models';
import { Tenants } from './pages/Tenants';
import { Cache } from './pages/Cache';
import { Strategies } from './pages/Strategies';
import { Plugins } from './pages/Plugins';
import { Audit } from './pages/Audit';

/** The pages, in navigation order: hash route, link text, page title. */
export const PAGES = [
  { route: 'overview', label: 'Overview' },
  { route: 'models', label: 'Models' },
  { route: 'tenants', label: 'Tenants' },
  { route: 'cache', label: 'Cache' },
  { route: 'strategies', label: 'Strategies' },
  { route: 'plugins', label: 'Plugins' },
  { route: 'audit', label: 'Audit log' },
] as const;

export type Route = (typeof PAGES)[number]['route'];

function currentRoute(): Route {
  const name = window.location.hash.replace(/^#\/?/, '').split('/')[0];
  return (PAGES.find((p) => p.route === name)?.route ?? 'overview') as Route;
}

/**
 * The console: a login form until credentials are known, then a skip link, the navigation and one page. Routes are
 * hash fragments (`#/models`), so the gateway serves one `index.html`. After each navigation the page's heading
 * takes the focus, so keyboard and screen-reader users land on the new content.
 */
export function App() {
  const [credentials, setCredentials] = useState<Credentials | null>(() => loadCredentials());
  const [route, setRoute] = useState<Route>(currentRoute);
  const [notice, setNotice] = useState('');
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const credentialsRef = useRef(credentials);
  credentialsRef.current = credentials;

  const signOut = (why: string) => {
    clearCredentials();
    setCredentials(null);
    setNotice(why);
  };
  const client = useMemo(
    () => new AdminClient(() => credentialsRef.current, () => signOut('The gateway refused the credentials; sign in again.')),
    [],
  );
  const feed = useMemo(() => (credentials ? new StatsFeed(`${client.base}/stats/stream`, () => client.headers()) : null), [credentials, client]);

  useEffect(() => {
    feed?.start();
    return () => feed?.stop();
  }, [feed]);

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const page = PAGES.find((p) => p.route === route)!;
    document.title = `${page.label} · Kvasir admin`;
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route, credentials]);

  if (!credentials || !feed) {
    return (
      <Login
        client={client}
        notice={notice}
        onSignedIn={(c) => {
          saveCredentials(c);
          setNotice('');
          setCredentials(c);
        }}
      />
    );
  }

  return (
    <div class="shell">
      <a class="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        main.current?.focus();
      }}>
        Skip to content
      </a>
      <header class="top">
        <p class="brand">Kvasir admin</p>
        <nav aria-label="Console pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.route}>
                <a href={`#/${p.route}`} aria-current={p.route === route ? 'page' : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class="who">
          Signed in as <strong>{credentials.name}</strong>{' '}
          <button type="button" class="link" onClick={() => signOut('Signed out.')}>
            Sign out
          </button>
        </p>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {route === 'overview' && <Overview client={client} feed={feed} />}
        {route === 'models' && <Models client={client} />}
        {route === 'tenants' && <Tenants client={client} feed={feed} />}
        {route === 'cache' && <Cache client={client} />}
        {route === 'strategies' && <Strategies client={client} />}
        {route === 'plugins' && <Plugins client={client} />}
        {route === 'audit' && <Audit client={client} />}
      </main>
    </div>
  );
}
