import type { JobJSON, SavedJob } from '../queue/job.js';
import type { Queue } from '../queue/queue.js';

/** Kue's job JSON, with the log when asked for. */
export async function jobJson(queue: Queue, job: SavedJob, withLog: boolean): Promise<JobJSON & { log?: string[] }> {
  const json: JobJSON & { log?: string[] } = job.toJSON();
  if (withLog) json.log = await queue.log(job.id);
  return json;
}

export function wantsLog(value: unknown): boolean {
  return value === '' || value === '1' || value === 'true';
}
