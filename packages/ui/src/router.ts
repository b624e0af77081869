// Hash routing: #/runs?path=…, #/jobs/<id>, #/scripts, #/scripts/<path>, #/workers, #/timeline, #/schedules.
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'runs'; query: URLSearchParams }
  | { page: 'job'; id: string }
  | { page: 'scripts'; path: string | null }
  | { page: 'workers' }
  | { page: 'timeline' }
  | { page: 'schedules' };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathname = '', search = ''] = raw.split('?', 2);
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, ...rest] = parts;
  if (head === 'jobs' && rest.length > 0) return { page: 'job', id: rest.join('/') };
  if (head === 'scripts') return { page: 'scripts', path: rest.length > 0 ? rest.join('/') : null };
  if (head === 'workers') return { page: 'workers' };
  if (head === 'timeline') return { page: 'timeline' };
  if (head === 'schedules') return { page: 'schedules' };
  return { page: 'runs', query: new URLSearchParams(search) };
}

export const href = {
  runs: (query?: Record<string, string>) => {
    const q = new URLSearchParams(query ?? {}).toString();
    return q ? `#/runs?${q}` : '#/runs';
  },
  job: (id: string) => `#/jobs/${encodeURIComponent(id)}`,
  scripts: () => '#/scripts',
  script: (path: string) => `#/scripts/${path.split('/').map(encodeURIComponent).join('/')}`,
  workers: () => '#/workers',
  timeline: () => '#/timeline',
  schedules: () => '#/schedules',
};

export function navigate(to: string): void {
  window.location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
