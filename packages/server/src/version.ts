import { createRequire } from 'node:module';

// src/ and dist/ both sit one level under the package, so the same relative path works for both.
const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

export const SERVER_VERSION: string = pkg.version;
