import { useEffect, useState } from 'react';
import { api } from './api';
import { TokenPrompt } from './components/TokenPrompt';
import { JobPage } from './pages/JobPage';
import { RunsPage } from './pages/RunsPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { ScriptsPage } from './pages/ScriptsPage';
import { TimelinePage } from './pages/TimelinePage';
import { WorkersPage } from './pages/WorkersPage';
import { href, type Route, useRoute } from './router';
import { onTokenNeeded, readToken, saveToken } from './token';

type AuthState = 'checking' | 'ok' | 'needed';

const NAV = [
  { id: 'runs', label: 'Runs', to: href.runs(), active: (r: Route) => r.page === 'runs' || r.page === 'job' },
  { id: 'scripts', label: 'Scripts', to: href.scripts(), active: (r: Route) => r.page === 'scripts' },
  { id: 'workers', label: 'Workers', to: href.workers(), active: (r: Route) => r.page === 'workers' },
  { id: 'timeline', label: 'Timeline', to: href.timeline(), active: (r: Route) => r.page === 'timeline' },
  { id: 'schedules', label: 'Schedules', to: href.schedules(), active: (r: Route) => r.page === 'schedules' },
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage query={route.query} />;
    case 'job':
      return <JobPage key={route.id} id={route.id} />;
    case 'scripts':
      return <ScriptsPage path={route.path} />;
    case 'workers':
      return <WorkersPage />;
    case 'timeline':
      return <TimelinePage />;
    case 'schedules':
      return <SchedulesPage />;
  }
}

export function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<AuthState>('checking');
  const [required, setRequired] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    api.auth().then(
      (a) => {
        setRequired(a.required);
        setAuth(a.required && !a.ok ? 'needed' : 'ok');
      },
      // The probe failed (server down?): show the pages, whose own requests report the error.
      () => setAuth('ok'),
    );
    return onTokenNeeded(() => {
      setRequired(true);
      setAuth('needed');
    });
  }, []);

  useEffect(() => {
    const current = NAV.find((n) => n.active(route));
    document.title = current ? `${current.label} · Millrace` : 'Millrace';
  }, [route]);

  const forgetToken = () => {
    saveToken(null);
    setAuth('needed');
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href.runs()}>
          Millrace
        </a>
        <nav aria-label="Main">
          <ul className="tabs">
            {NAV.map((n) => (
              <li key={n.id}>
                <a
                  href={n.to}
                  aria-current={n.active(route) ? 'page' : undefined}
                  data-testid={`nav-${n.id}`}
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="spacer" />
        {required && readToken() && auth === 'ok' && (
          <button
            type="button"
            className="small-button ghost"
            onClick={forgetToken}
            data-testid="token-forget-button"
          >
            Forget token
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {auth === 'ok' && <Page key={generation} route={route} />}
        {auth === 'checking' && <p className="muted page">Connecting…</p>}
      </main>
      {auth === 'needed' && (
        <TokenPrompt
          onAccepted={() => {
            setAuth('ok');
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </div>
  );
}
