// Starts test/process/fixtures/worker.mjs child processes, killed after each test (see
// test/support/children.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopAfterTest } from '../support/children.js';
import { redisPort } from '../support/setup.js';

/** The path of a fixture script in test/process/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

const workerScript = fixture('worker.mjs');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  stdout: () => string;
}

/**
 * Starts test/process/fixtures/worker.mjs (or another fixture that prints "ready", e.g.
 * `fixture('flow-worker.mjs')`) and resolves once it printed "ready".
 */
export async function startWorker(
  env: Record<string, string | number>,
  nodeArgs: string[] = [],
  script = workerScript,
): Promise<WorkerProcess> {
  const vars = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, KUE_REDIS_PORT: String(redisPort), ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stopAfterTest(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not print "ready" within 10 s; stderr: ${err}`)),
      10_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.split('\n').includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before "ready"; stderr: ${err}`));
    });
  });
  return { child, pid: child.pid!, exited, stderr: () => err, stdout: () => out };
}
