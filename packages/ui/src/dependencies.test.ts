import { describe, expect, it } from 'vitest';
import { dependencyItems } from './dependencies';

describe('dependencyItems', () => {
  it('lists nothing for a version without dependencies', () => {
    expect(dependencyItems(null)).toEqual([]);
    expect(dependencyItems(undefined)).toEqual([]);
  });

  it('lists direct packages first, then transitive ones, then pinned scripts', () => {
    const items = dependencyItems({
      lockHash: 'a'.repeat(64),
      packages: [
        { name: 'dep-of-dep', version: '1.0.0', integrity: null, direct: false },
        { name: 'ms', version: '2.1.3', integrity: 'sha512-xyz', direct: true },
      ],
      scripts: [{ path: 'f/lib/text', version: 3, hash: 'b'.repeat(64) }],
    });
    expect(items.map((i) => i.label)).toEqual(['ms@2.1.3', 'dep-of-dep@1.0.0', 'millrace:f/lib/text v3']);
    expect(items[0].title).toBe('imported by the script, sha512-xyz');
    expect(items[2].title).toContain('redeploy this script to re-pin');
  });
});
