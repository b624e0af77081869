// Issue 14, item 5: the configuration lists are paged (limit + opaque cursor); without a limit the
// response keeps its shape and gains the next cursor.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, ECHO, openServerFixture, type ServerFixture } from './test-support';

describe.each(testDrivers())('list paging (%s)', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver);
    for (const p of ['f/a/x', 'f/b/x', 'f/c/x', 'f/d/x', 'f/e/x']) await deploy(f.settings, p);
    for (let v = 2; v <= 5; v++) await deploy(f.settings, 'f/a/x', `${ECHO}\n// v${v}`);
    for (const g of ['g1', 'g2', 'g3']) await f.settings.setWorkerGroup(g, {});
  });
  afterAll(() => f.close());

  /** Follows the cursor through every page; returns the pages' keys. */
  async function walk(url: string, list: string, cursor: string, key: (item: never) => unknown) {
    const pages: unknown[][] = [];
    let next: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const target: string = next ? `${url}${sep}${cursor}=${next}` : url;
      const res = await f.app.inject({ url: target });
      expect(res.statusCode, res.body).toBe(200);
      const body: Record<string, never[]> & Record<string, string | null> = res.json();
      pages.push(body[list].map(key));
      next = body[`next${cursor[0].toUpperCase()}${cursor.slice(1)}`] as string | null;
    } while (next);
    return pages;
  }

  it('pages scripts by path', async () => {
    const pages = await walk('/api/scripts?limit=2', 'scripts', 'after', (s: { path: string }) => s.path);
    expect(pages).toEqual([['f/a/x', 'f/b/x'], ['f/c/x', 'f/d/x'], ['f/e/x']]);
    const all = (await f.app.inject({ url: '/api/scripts' })).json();
    expect(all.scripts).toHaveLength(5);
    expect(all.nextAfter).toBeNull();
  });

  it('pages versions newest first', async () => {
    const pages = await walk(
      '/api/script-versions/f/a/x?limit=2',
      'versions',
      'before',
      (v: { version: number }) => v.version,
    );
    expect(pages).toEqual([[5, 4], [3, 2], [1]]);
  });

  it('pages worker groups by name', async () => {
    const pages = await walk(
      '/api/worker-groups?limit=2',
      'groups',
      'after',
      (g: { name: string }) => g.name,
    );
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    expect(pages.length).toBeGreaterThan(1);
    const names = pages.flat();
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['g1', 'g2', 'g3']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses bad limits and cursors with 400', async () => {
    for (const url of [
      '/api/scripts?limit=0',
      '/api/scripts?limit=1001',
      '/api/scripts?after=%%%',
      '/api/script-versions/f/a/x?before=eA',
      '/api/worker-groups?limit=x',
      '/api/worker-groups?page=2',
    ]) {
      const res = await f.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('validation');
    }
  });
});
