import { defineConfig } from 'tsup';

// Lua scripts ship inside the bundle as strings: no file lookups at run time.
const shared = { sourcemap: true, target: 'node20', loader: { '.lua': 'text' } } as const;
// Members marked @internal (the queue's store and job host) stay out of the published types.
const dts = { compilerOptions: { stripInternal: true } };

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm'], dts },
  // `require('kue')` must return the callable module, so the CJS build has a default-only entry.
  // `shims` gives it import.meta.url (the dashboard finds dist/ui next to the bundle).
  {
    ...shared,
    entry: { index: 'src/cjs.ts' },
    format: ['cjs'],
    dts,
    shims: true,
    footer: { js: 'module.exports = module.exports.default;' },
  },
  // The `kue` / `kue-dashboard` executables: one self-contained file with a Node shebang.
  { ...shared, entry: { cli: 'src/cli/main.ts' }, format: ['esm'], banner: { js: '#!/usr/bin/env node' } },
  // The redis-server launcher of `kue dev`, for the repository's own scripts (demo, npm test,
  // bench): one implementation. Not in `exports`: not part of the public API.
  { ...shared, entry: { 'redis-process': 'src/cli/redis-process.ts' }, format: ['esm'] },
  // The program of sandboxed processors' worker threads and child processes: they start from
  // a file, found next to the bundle that loaded Kue (src/sandbox/child-entry-path.ts).
  { ...shared, entry: { 'sandbox-child': 'src/sandbox/child-entry.ts' }, format: ['esm'] },
]);
