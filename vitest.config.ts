import { configDefaults, defineConfig } from 'vitest/config';

// One config for every package: vitest searches upward from the package it runs in.
// `@millrace/source` (a condition no consumer sets) lets a package's tests import sibling packages' TypeScript directly;
// `.sql` files are imported as text (tsup does the same with its `text` loader).
export default defineConfig({
  plugins: [
    {
      name: 'millrace-sql-as-text',
      transform(code, id) {
        if (id.endsWith('.sql')) return { code: `export default ${JSON.stringify(code)};`, map: null };
      },
    },
  ],
  ssr: { resolve: { conditions: ['@millrace/source'] } },
  test: {
    exclude: [...configDefaults.exclude, 'e2e/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
