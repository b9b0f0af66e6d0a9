// Kue 0.11 data for the migration tests: written by the real kue@0.11.6 in a child process
// (fixtures/kue011-queue.cjs), or, for volume, hashes written directly in the shape Kue 0.11
// gives them (checked against a real one in every-state.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '../../src/index.js';
import { stopAfterTest } from '../support/children.js';
import { redisPort } from '../support/setup.js';

const fixture = fileURLToPath(new URL('./fixtures/kue011-queue.cjs', import.meta.url));
/** The BUILT `kue` executable: run `npx tsup` after changing src/. */
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const testRedisUrl = `redis://127.0.0.1:${redisPort}`;

export interface CliRun {
  child: ChildProcess;
  /** Settles when the process has exited and its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `kue <args>` (dist/cli.js), SIGKILLed after the test if still running. */
export function startCli(args: string[]): CliRun {
  const child = stopAfterTest(spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<Awaited<CliRun['exited']>>((resolve) =>
    child.once('exit', (code, signal) => child.once('close', () => resolve({ code, signal, stdout, stderr }))),
  );
  return { child, exited };
}

/** Runs `kue <args>` to its end. */
export function runCli(args: string[]): CliRun['exited'] {
  return startCli(args).exited;
}

export interface Kue011Queue {
  /** Job ids by the fixture's names (`email-0`, `delayedEmail`, `hangLast`, ...). */
  ids: Record<string, number>;
  /** Each job's hash as Kue 0.11 left it, read just before the process was killed. */
  raw: Record<string, Record<string, string>>;
}

/**
 * Runs the Kue 0.11 fixture until it has jobs in every state, two of them active, and then
 * SIGKILLs it: its active jobs stay stranded, as a crashed Kue 0.11 worker leaves them.
 */
export async function strandedKue011Queue(prefix: string, client: 'node_redis' | 'ioredis'): Promise<Kue011Queue> {
  const child = stopAfterTest(
    spawn(process.execPath, [fixture, prefix, String(redisPort), client], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Kue 0.11 fixture not ready in 20 s: ${err}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const ready = /^READY (.*)$/m.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`Kue 0.11 fixture exited (${code}): ${err}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return JSON.parse(line) as Kue011Queue;
}

/** Kue 0.11's index member for an id (its createFIFO). */
export function kue011Member(id: number): string {
  return `${String(String(id).length).padStart(2, '0')}|${id}`;
}

export interface Kue011Hash {
  id: number;
  type: string;
  state: 'inactive' | 'delayed' | 'active' | 'complete' | 'failed';
  priority?: number;
  /** The data field's text as stored (JSON, unless a test wants it otherwise). */
  data?: string;
  fields?: Record<string, string>;
}

/**
 * Writes jobs as Kue 0.11's save leaves them (the fields and indexes of a real 0.11 job; see
 * every-state.test.ts), through a pipeline per 1,000 jobs, and lifts its id counter.
 */
export async function writeKue011Jobs(redis: RedisClient, prefix: string, jobs: Kue011Hash[], now = Date.now()) {
  let highest = 0;
  for (let i = 0; i < jobs.length; i += 1_000) {
    const pipeline = redis.pipeline();
    for (const job of jobs.slice(i, i + 1_000)) {
      const priority = job.priority ?? 0;
      const member = kue011Member(job.id);
      const score = job.state === 'delayed' ? Number(job.fields?.promote_at ?? now) : priority;
      pipeline.hset(`${prefix}:job:${job.id}`, {
        max_attempts: '1',
        type: job.type,
        created_at: String(now),
        promote_at: String(now),
        updated_at: String(now),
        priority: String(priority),
        data: job.data ?? JSON.stringify({ n: job.id }),
        state: job.state,
        ...job.fields,
      });
      pipeline.sadd(`${prefix}:job:types`, job.type);
      pipeline.zadd(`${prefix}:jobs`, priority, member);
      pipeline.zadd(`${prefix}:jobs:${job.state}`, score, member);
      pipeline.zadd(`${prefix}:jobs:${job.type}:${job.state}`, priority, member);
      if (job.state === 'inactive') pipeline.lpush(`${prefix}:${job.type}:jobs`, 1);
      highest = Math.max(highest, job.id);
    }
    await pipeline.exec();
  }
  const counter = Number(await redis.get(`${prefix}:ids`)) || 0;
  if (highest > counter) await redis.set(`${prefix}:ids`, highest);
}
