// The built package finds its child program (dist/sandbox-child.js) from either bundle:
// `require('kue')` (dist/index.cjs) and `import 'kue'` (dist/index.js) both run a sandboxed job.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redisPort, uniquePrefix } from '../support/setup.js';
import { fixture } from './support.js';

const dist = (name: string) => fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));

/** A script that runs one job of echo-done.cjs in a `isolation` pool and prints its result. */
function script(load: string, isolation: string): string {
  return `${load}
const queue = new kue.Queue({ prefix: ${JSON.stringify(uniquePrefix('built'))}, redis: { port: ${redisPort} } });
queue.process('double', ${JSON.stringify(fileURLToPath(fixture('echo-done.cjs')))}, { isolation: '${isolation}' });
queue.create('double', { n: 21 }).save().then(async (job) => {
  for (let i = 0; i < 100; i++) {
    const stored = await queue.getJob(job.id);
    if (stored.state() === 'complete') { console.log(JSON.stringify(stored.result)); break; }
    await new Promise((r) => setTimeout(r, 50));
  }
  await queue.shutdown();
});`;
}

describe('the built package', () => {
  it.each([
    ['CommonJS', `const kue = require(${JSON.stringify(dist('index.cjs'))});`, ['-e']],
    ['ES module', `import kue from ${JSON.stringify(dist('index.js'))};`, ['--input-type=module', '-e']],
  ])('from its %s bundle runs a sandboxed job in a thread and in a process', (_name, load, flags) => {
    for (const isolation of ['thread', 'process']) {
      const run = spawnSync(process.execPath, [...flags, script(load, isolation)], {
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('{"doubled":42}');
    }
  });
});
