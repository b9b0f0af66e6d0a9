// Shared by the sandboxed-processor tests. Their threads and child processes run the built
// child program, dist/sandbox-child.js: `npm test` builds it; by hand, run `npx tsup` first
// (and again after changing src/sandbox/child-entry.ts or what it imports).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Queue, SandboxIsolation, SavedJob } from '../../src/index.js';
import { waitFor } from '../support/setup.js';

const childProgram = fileURLToPath(new URL('../../dist/sandbox-child.js', import.meta.url));
if (!existsSync(childProgram)) {
  throw new Error(`${childProgram} is missing: build it first (npx tsup, or npm run build)`);
}

export const ISOLATIONS: SandboxIsolation[] = ['thread', 'process'];

/** A processor of test/fixtures/sandbox/ as a file: URL (what users pass from ES modules). */
export function fixture(name: string): URL {
  return new URL(`../fixtures/sandbox/${name}`, import.meta.url);
}

/** Waits until every job is complete or failed, and returns them as stored. */
export async function settled(queue: Queue, jobs: Array<{ id?: number }>, timeoutMs = 10_000): Promise<SavedJob[]> {
  let loaded: SavedJob[] = [];
  await waitFor(
    async () => {
      loaded = await queue.loadJobs(jobs.map((j) => j.id!));
      return loaded.every((j) => j.state() === 'complete' || j.state() === 'failed');
    },
    timeoutMs,
    `jobs ${jobs.map((j) => j.id).join(', ')} to finish`,
  );
  return loaded;
}

/** Where a job of behaviours.cjs ran, as its result says. */
export interface Where {
  pid: number;
  threadId: number;
  runs: number;
}

/** The child a result came from: a pid for processes, a thread id for threads. */
export const childOf = (where: Where): string => `${where.pid}/${where.threadId}`;
