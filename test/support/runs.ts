// When jobs ran, on the Redis server's clock (their started_at and completed_at), so that the
// clocks of the processes that ran them cannot blur a count.
import type { Queue } from '../../src/index.js';

export interface Run {
  start: number;
  end: number;
}

/** The latest run of each job, in the order of `ids`. */
export async function runsOf(queue: Queue, ids: number[]): Promise<Run[]> {
  const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
  return jobs.map((job) => {
    const json = job.toJSON();
    return { start: Number(json.started_at), end: Number(json.completed_at) };
  });
}

/** The most runs that overlapped at any instant (an end at the same ms as a start comes first). */
export function mostAtOnce(runs: Run[]): number {
  const moments = runs.flatMap((r) => [
    [r.start, 1],
    [r.end, -1],
  ]);
  moments.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let most = 0;
  for (const [, step] of moments) most = Math.max(most, (now += step!));
  return most;
}
