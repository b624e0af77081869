import { cpSync, existsSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// The UI's static build ships inside this package (dist/ui), so whoever installs @millrace/server or
// @millrace/cli from npm gets the web UI without react & co. as runtime dependencies. turbo builds
// @millrace/ui first (a devDependency of this package).
const UI_BUILD = '../ui/dist';

export default defineConfig({
  ...packageBuild,
  async onSuccess() {
    if (!existsSync(`${UI_BUILD}/index.html`))
      throw new Error(`${UI_BUILD} is not built: run \`npx turbo run build\` at the root`);
    // source maps stay in the repo: they would triple the tarball
    cpSync(UI_BUILD, 'dist/ui', { recursive: true, filter: (from) => !from.endsWith('.map') });
  },
});
