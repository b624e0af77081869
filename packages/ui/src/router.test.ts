import { describe, expect, it } from 'vitest';
import { href, parseHash } from './router';

describe('parseHash', () => {
  it('routes every page, keeping slashes in script paths', () => {
    expect(parseHash('')).toMatchObject({ page: 'runs' });
    expect(parseHash('#/jobs/abc-123')).toEqual({ page: 'job', id: 'abc-123' });
    expect(parseHash('#/scripts')).toEqual({ page: 'scripts', path: null });
    expect(parseHash(href.script('f/app/send'))).toEqual({ page: 'scripts', path: 'f/app/send' });
    expect(parseHash('#/workers')).toEqual({ page: 'workers' });
    expect(parseHash(href.timeline())).toEqual({ page: 'timeline' });
  });

  it('reads run filters from the query', () => {
    const route = parseHash(href.runs({ path: 'f/a', status: 'queued,running' }));
    expect(route.page).toBe('runs');
    if (route.page === 'runs') {
      expect(route.query.get('path')).toBe('f/a');
      expect(route.query.get('status')).toBe('queued,running');
    }
  });
});
