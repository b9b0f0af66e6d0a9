// The facts of one job at a glance: state, priority, progress, attempts, its group, options,
// its worker, its schedule, unique key and trace.
import type { JobDetail as Detail } from '../api';
import { configStore, traceLink } from '../config';
import { formatDuration, formatTime, PRIORITIES, priorityName } from '../format';
import { m, stateNames } from '../messages';
import { GroupLink } from './groups';
import { ProgressBar } from './job-row';
import { useStore } from '../store';

/** `{type: 'exponential', delay: 1000}` as "exponential, 1.00 s". */
function backoffText(backoff: unknown): string {
  if (!backoff || typeof backoff !== 'object') return String(backoff);
  const { type, delay, maxDelay } = backoff as { type?: unknown; delay?: unknown; maxDelay?: unknown };
  return [
    typeof type === 'string' ? type : m.fields.backoffDefault,
    typeof delay === 'number' ? formatDuration(delay) : undefined,
    typeof maxDelay === 'number' ? m.fields.backoffMax(formatDuration(maxDelay)) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

export function Summary({ job }: { job: Detail }) {
  const f = m.fields;
  const trace = traceLink(useStore(configStore).traceUrl, job.traceId);
  return (
    <dl class="facts" data-testid="job-facts">
      <div>
        <dt>{f.state}</dt>
        <dd>
          <span class={`badge state-${job.state}`} data-testid="job-state">
            {stateNames[job.state]}
          </span>
        </dd>
      </div>
      <div>
        <dt>{f.priority}</dt>
        <dd data-testid="job-priority-value">
          {priorityName(job.priority)}
          {job.priority !== 0 && PRIORITIES.some(([, v]) => v === job.priority) ? ` (${job.priority})` : ''}
        </dd>
      </div>
      <div>
        <dt>{f.progress}</dt>
        <dd class="facts-progress">
          <ProgressBar value={job.progress} label={f.progress} /> {Math.round(job.progress)}%
        </dd>
      </div>
      <div>
        <dt>{f.attempts}</dt>
        <dd>{m.attemptsValue(job.attempts.made, job.attempts.max, job.attempts.remaining)}</dd>
      </div>
      {job.group !== null && (
        <div>
          <dt>{f.group}</dt>
          <dd data-testid="job-group">
            <GroupLink type={job.type} group={job.group} />
          </dd>
        </div>
      )}
      {job.delay > 0 && (
        <div>
          <dt>{f.delay}</dt>
          <dd>{formatDuration(job.delay)}</dd>
        </div>
      )}
      {job.ttl > 0 && (
        <div>
          <dt>{f.ttl}</dt>
          <dd>{formatDuration(job.ttl)}</dd>
        </div>
      )}
      {job.backoff !== undefined && (
        <div>
          <dt>{f.backoff}</dt>
          <dd>{backoffText(job.backoff)}</dd>
        </div>
      )}
      {job.workerId !== null && (
        <div>
          <dt>{f.worker}</dt>
          <dd data-testid="job-worker">{job.workerId}</dd>
        </div>
      )}
      <div>
        <dt>{f.removeOnComplete}</dt>
        <dd>{job.removeOnComplete ? f.yes : f.no}</dd>
      </div>
      {job.schedule && (
        <div>
          <dt>{f.schedule}</dt>
          <dd data-testid="job-schedule">{f.scheduleValue(job.schedule.id, formatTime(job.schedule.due))}</dd>
        </div>
      )}
      {job.cancelled !== null && job.cancelled !== undefined && (
        <div>
          <dt>{f.cancelled}</dt>
          <dd data-testid="job-cancelled">{f.cancelledValue(job.cancelled)}</dd>
        </div>
      )}
      {trace && (
        <div>
          <dt>{f.trace}</dt>
          <dd>
            <a
              href={trace}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="job-trace-link"
              aria-label={f.viewTraceLabel(job.traceId!)}
            >
              {f.viewTrace}
            </a>
          </dd>
        </div>
      )}
      {job.unique && (
        <div>
          <dt>{f.unique}</dt>
          <dd data-testid="job-unique">
            {f.uniqueValue(job.unique.key, job.unique.ttl === undefined ? undefined : formatDuration(job.unique.ttl))}
          </dd>
        </div>
      )}
    </dl>
  );
}
