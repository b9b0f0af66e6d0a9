// The published shapes of the BUILT package: `require('kue')` (dist/index.cjs) and
// `import kue from 'kue'` (dist/index.js) in fresh Node processes, and the declarations
// (dist/index.d.ts, dist/index.d.cts) as strict TypeScript consumers see them.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { typeCheckProject } from '../support/consumer-project.js';
import { keysOf, redisClient, redisPort, uniquePrefix } from '../support/setup.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cjsEntry = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url));
const esmEntry = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
const tscBin = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ReturnType<typeof spawn>>();

/** Runs `node <args>` in the repository root (so the package can require itself by name). */
function runNode(args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed: still running after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last stdout line of a run, parsed as JSON; fails with the run's output otherwise. */
function lastJson(run: Run): Record<string, unknown> {
  expect({ code: run.code, stderr: run.stderr }, `stdout: ${run.stdout}`).toEqual({ code: 0, stderr: '' });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

afterEach(async () => {
  // Only the processes this file started, each by its own handle.
  await Promise.all(
    [...running].map(async (child) => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }),
  );
  running.clear();
});

async function removeKeys(prefix: string): Promise<void> {
  const redis = redisClient();
  const keys = await keysOf(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

describe('module formats', () => {
  it("require('kue') and import kue both work", async () => {
    const cjsPrefix = uniquePrefix('cjs');
    const esmPrefix = uniquePrefix('esm');

    const cjsScript = `
      const kue = require(${JSON.stringify(cjsEntry)});
      const { createQueue, Job, Queue, version } = require(${JSON.stringify(cjsEntry)});
      const out = {
        kue: typeof kue,
        createQueue: typeof kue.createQueue,
        Job: typeof kue.Job,
        Queue: typeof kue.Queue,
        version: kue.version,
        destructured: typeof createQueue === 'function' && createQueue === kue.createQueue &&
          Job === kue.Job && Queue === kue.Queue && version === kue.version,
        byName: require('kue') === kue,
        high: kue.priorities && kue.priorities.high,
      };
      (async () => {
        const queue = kue({ prefix: ${JSON.stringify(cjsPrefix)}, redis: { port: ${redisPort} } });
        queue.on('error', (err) => console.error('kue error: ' + err.message));
        out.shared = queue === createQueue() && queue instanceof Queue;
        out.app = typeof kue.app.listen === 'function' ? typeof kue.app : 'missing';
        const job = await queue.create('cjs', { n: 1 }).save();
        out.jobIsJob = job instanceof Job;
        out.jobId = job.id;
        out.stored = (await queue.getJob(job.id)).state();
        await queue.shutdown(1000);
        console.log(JSON.stringify(out));
      })().catch((err) => { console.error(err && err.stack); process.exit(1); });
    `;
    const esmScript = `
      import kue, { createQueue, Job, Queue, version } from ${JSON.stringify(esmEntry)};
      import byName, { createQueue as createByName } from 'kue';
      const out = {
        kue: typeof kue,
        createQueue: typeof createQueue,
        Job: typeof Job,
        Queue: typeof Queue,
        version,
        sameAsDefault: createQueue === kue.createQueue && Job === kue.Job && Queue === kue.Queue && version === kue.version,
        byName: byName === kue && createByName === createQueue,
        high: kue.priorities && kue.priorities.high,
      };
      const queue = kue({ prefix: ${JSON.stringify(esmPrefix)}, redis: { port: ${redisPort} } });
      queue.on('error', (err) => console.error('kue error: ' + err.message));
      out.shared = queue === createQueue() && queue instanceof Queue;
      out.app = typeof kue.app.listen === 'function' ? typeof kue.app : 'missing';
      const job = await queue.create('esm', { n: 1 }).save();
      out.jobIsJob = job instanceof Job;
      out.jobId = job.id;
      out.stored = (await queue.getJob(job.id)).state();
      await queue.shutdown(1000);
      console.log(JSON.stringify(out));
    `;

    try {
      const [cjs, esm] = await Promise.all([
        runNode(['-e', cjsScript]),
        runNode(['--input-type=module', '-e', esmScript]),
      ]);
      const fromRequire = lastJson(cjs);
      expect(fromRequire).toEqual({
        kue: 'function',
        createQueue: 'function',
        Job: 'function',
        Queue: 'function',
        version: packageVersion,
        app: expect.stringMatching(/^(object|function)$/),
        destructured: true,
        byName: true,
        high: -10,
        shared: true,
        jobIsJob: true,
        jobId: 1,
        stored: 'inactive',
      });
      const fromImport = lastJson(esm);
      expect(fromImport).toEqual({
        kue: 'function',
        createQueue: 'function',
        Job: 'function',
        Queue: 'function',
        version: packageVersion,
        app: expect.stringMatching(/^(object|function)$/),
        sameAsDefault: true,
        byName: true,
        high: -10,
        shared: true,
        jobIsJob: true,
        jobId: 1,
        stored: 'inactive',
      });
    } finally {
      await removeKeys(cjsPrefix);
      await removeKeys(esmPrefix);
    }
  });

  // tsc takes about 10 s of CPU here; the suite runs other files beside it on two cores.
  it('the published declarations accept correct use of the API and reject wrong use (tsc --noEmit -p test/types)', async () => {
    const run = await runNode([tscBin, '--noEmit', '-p', 'test/types/tsconfig.json'], 90_000);
    expect({ code: run.code, output: (run.stdout + run.stderr).trim() }).toEqual({ code: 0, output: '' });
  }, 120_000);

  it('a module: commonjs project (classic node10 resolution: package.json "types") gets the CommonJS declarations by name', async () => {
    // The CommonJS consumer again, requiring 'kue' by name as an installed package, and the
    // ES import syntax a CommonJS project compiles with esModuleInterop.
    const cjsConsumer = readFileSync(new URL('../types/cjs-consumer.cts', import.meta.url), 'utf8');
    const byName = cjsConsumer.replace("require('../../dist/index.cjs')", "require('kue')");
    expect(byName).not.toBe(cjsConsumer);
    const importSyntax = [
      "import kue, { createQueue, Job, type JobState, type SavedJob } from 'kue';",
      'const queue: kue.Queue = createQueue();',
      "const state: JobState = 'failed';",
      'export const loaded: Promise<SavedJob[]> = Job.rangeByState(state, 0, 9);',
      "export const sameQueue: boolean = kue({ prefix: 'q' }) === queue;",
    ].join('\n');
    const { code, output } = await typeCheckProject(
      { 'consumer.ts': byName, 'import-syntax.ts': importSyntax },
      {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node10',
        esModuleInterop: true,
        strict: true,
        noUncheckedIndexedAccess: true,
        types: ['node'],
      },
    );
    expect({ code, output }).toEqual({ code: 0, output: '' });
  }, 60_000);
});
