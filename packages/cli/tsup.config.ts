import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// One build for both entries (two configs would race on `clean`); the banner makes dist/bin.js
// executable and is harmless in dist/index.js.
export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/bin.ts'],
  banner: { js: '#!/usr/bin/env node' },
});
