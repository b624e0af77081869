import type { Options } from 'tsup';

// Shared by every package's tsup.config.ts. TS 6 deprecates the `baseUrl` tsup injects for dts.
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  clean: true,
  sourcemap: true,
  loader: { '.sql': 'text' },
};
