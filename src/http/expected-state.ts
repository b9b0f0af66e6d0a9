import type { Queue } from '../queue/queue.js';
import { JOB_STATES, type JobState } from '../store/keys.js';
import * as check from '../queue/validate.js';
import { stringQuery } from './params.js';

/**
 * The states a move or removal asked for over HTTP expects its job in: `?from=failed,complete`
 * as the dashboard sends (the state it showed), or else the state the job is in as the route
 * reads it. Either way the script checks it and moves in one step, so a job that moved on in
 * between (a worker took it) is answered 409 and keeps its worker's lock.
 */
export async function expectedStates(
  queue: Queue,
  id: number,
  from: unknown,
  fallback?: JobState[],
): Promise<JobState[]> {
  const text = stringQuery(from);
  if (text !== undefined) return text.split(',').map((s) => check.state(s));
  if (fallback) return fallback;
  const state = (await queue.getJob(id)).state();
  return state ? [state] : [...JOB_STATES];
}
