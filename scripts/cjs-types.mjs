// The CJS build's module.exports is the callable kue itself, so its declarations must say
// `export = kue` rather than `export default`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../dist/index.d.cts', import.meta.url);
const text = readFileSync(file, 'utf8');
const fixed = text.replace(/export \{ kue as default \};\s*$/, 'export = kue;\n');
if (fixed === text) throw new Error('dist/index.d.cts: expected "export { kue as default };" at the end');
writeFileSync(file, fixed);
