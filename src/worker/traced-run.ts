import { isThenable, type DoneAndContext, type JobHandler } from './handler.js';
import type { Running } from './run.js';

/**
 * Records a run's failure on its span. Answers the span's traceparent for the job's `sp1`
 * field when the job has none yet (its first traced attempt failed): the retries link to it.
 */
export function spanFailed(run: Running<unknown>, err: unknown): string | undefined {
  const ref = run.span?.failed(err);
  return run.record.firstAttempt === undefined ? ref : undefined;
}

/**
 * Calls the handler (inside the run's span, when there is one, so the handler's own spans
 * nest under it) and settles the run by what it returns or throws.
 */
export function invokeHandler<J>(handler: JobHandler<J>, run: Running<J>, done: DoneAndContext): void {
  let returned: unknown;
  try {
    returned = run.span ? run.span.run(() => handler(run.job, done, done)) : handler(run.job, done, done);
  } catch (err) {
    done(err ?? new Error('handler threw'));
    return;
  }
  if (isThenable(returned)) {
    returned.then(
      (value) => done(null, value),
      (err: unknown) => done(err ?? new Error('handler rejected')),
    );
  }
}
