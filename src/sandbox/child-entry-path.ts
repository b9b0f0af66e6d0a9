import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundle of the child's program, next to the package's own bundle. */
const ENTRY = 'sandbox-child.js';

/** This module's folder: `dist/` once bundled (ESM or CJS), `src/sandbox/` under vitest. */
function moduleDir(): string {
  // The CJS bundle has __dirname and no import.meta; the ESM bundle the other way round.
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

let found: string | undefined;

/**
 * Where the child's program is: `dist/sandbox-child.js` beside the bundle that loaded Kue,
 * or, running from the sources (the tests), the repository's `dist/` (built by
 * `npm run build`). Threads and processes start from a file, so it must exist.
 */
export function childEntryPath(): string {
  if (found) return found;
  const from = moduleDir();
  for (const candidate of [join(from, ENTRY), join(from, '..', '..', 'dist', ENTRY)]) {
    if (existsSync(candidate)) return (found = candidate);
  }
  throw new Error(`the sandbox child program ${ENTRY} is missing next to ${from}: build the package (npm run build)`);
}
