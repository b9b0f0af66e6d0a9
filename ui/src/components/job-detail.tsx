// One job in full: state, data, result, every attempt, a timeline and its log, followed live
// while it runs; and the actions on it.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type JobDetail as Detail } from '../api';
import { configStore } from '../config';
import { formatDuration, formatTime, formatWhen, ms, titleOf } from '../format';
import { onJobEvents } from '../live';
import { m, num, stateNames } from '../messages';
import { navigate, withRoute } from '../router';
import { throttle, useStore } from '../store';
import { errorText } from '../toasts';
import { CloseIcon } from './icons';
import { JsonView } from './json-view';
import { Drawer } from './drawer';
import { Actions } from './job-actions';
import { Summary } from './job-facts';
import { FlowPanel } from './flow-tree';

const LOG_POLL = 1_000;

function Section({ title, children, id }: { title: string; children: preact.ComponentChildren; id: string }) {
  return (
    <section class="detail-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

interface Moment {
  at: number;
  label: string;
  tone?: 'failed' | 'complete' | 'active' | 'delayed';
}

function timeline(job: Detail): Moment[] {
  const list: Moment[] = [];
  const add = (value: string | number | null | undefined, label: string, tone?: Moment['tone']) => {
    const at = ms(value);
    if (at) list.push({ at, label, tone });
  };
  add(job.created_at, m.events.created);
  const due = ms(job.promote_at);
  // A job promoted early keeps the due time it had: still ahead, it is not when it ran.
  if (due) add(due, job.state === 'delayed' || due > Date.now() ? m.events.delayedUntil : m.events.promoted, 'delayed');
  for (const e of job.errors) {
    add(e.started_at, m.events.attemptStarted(e.attempt), 'active');
    add(e.failed_at, m.events.failedAttempt(e.attempt), 'failed');
  }
  if (job.state !== 'inactive' && job.state !== 'delayed') {
    const lastStart = ms(job.started_at);
    if (lastStart && !job.errors.some((e) => e.started_at === lastStart)) add(lastStart, m.events.started, 'active');
  }
  if (job.state === 'complete') add(job.completed_at ?? job.updated_at, m.events.completed, 'complete');
  if (job.state === 'failed' && !job.errors.some((e) => e.failed_at === ms(job.failed_at)))
    add(job.failed_at, m.events.failed, 'failed');
  return list.sort((a, b) => a.at - b.at);
}

function Timeline({ job }: { job: Detail }) {
  const moments = timeline(job);
  const first = moments[0]?.at;
  return (
    <ol class="timeline" data-testid="timeline">
      {moments.map((moment, i) => (
        <li key={i} class={moment.tone ? `tone-${moment.tone}` : undefined}>
          <span class="timeline-label">{moment.label}</span>
          <time dateTime={new Date(moment.at).toISOString()}>{formatTime(moment.at)}</time>
          {first !== undefined && i > 0 && <span class="timeline-offset">+{formatDuration(moment.at - first)}</span>}
        </li>
      ))}
      {job.duration !== null && (
        <li class="timeline-duration">
          <span class="timeline-label">{m.events.duration}</span>
          <span>{formatDuration(Number(job.duration))}</span>
        </li>
      )}
    </ol>
  );
}

function Attempts({ job }: { job: Detail }) {
  const current = job.errors.length + 1;
  const running = job.state === 'active';
  const succeeded = job.state === 'complete';
  return (
    <ol class="attempts" data-testid="attempts">
      {job.errors.length === 0 && !running && !succeeded && <li class="muted">{m.noAttemptErrors}</li>}
      {job.errors.map((e) => {
        const start = e.started_at ? formatWhen(e.started_at) : '—';
        const took = e.started_at ? formatDuration(e.failed_at - e.started_at) : '—';
        return (
          <li key={e.attempt} class="attempt attempt-failed" data-testid="attempt">
            <div class="attempt-head">
              <strong>{m.attemptTitle(e.attempt)}</strong>
              <span class="badge state-failed">{stateNames.failed}</span>
              <span class="attempt-times">{m.attemptTimes(start, formatWhen(e.failed_at), took)}</span>
            </div>
            <p class="attempt-error">{e.error}</p>
            {e.stack && (
              <details>
                <summary>{m.stack}</summary>
                <pre class="stack">{e.stack}</pre>
              </details>
            )}
          </li>
        );
      })}
      {(running || succeeded) && ms(job.started_at) && (
        <li class={`attempt ${succeeded ? 'attempt-complete' : 'attempt-active'}`} data-testid="attempt">
          <div class="attempt-head">
            <strong>{m.attemptTitle(current)}</strong>
            <span class={`badge state-${job.state}`}>{stateNames[job.state]}</span>
            <span class="attempt-times">
              {succeeded
                ? m.attemptTimes(
                    formatWhen(ms(job.started_at)!),
                    formatWhen(ms(job.completed_at ?? job.updated_at)!),
                    formatDuration(Number(job.duration ?? 0)),
                  )
                : formatWhen(ms(job.started_at)!)}
            </span>
          </div>
        </li>
      )}
    </ol>
  );
}

/** A long log shows its last lines (a "show all" opens the rest). */
const LOG_TAIL = 500;

function Log({ lines, following }: { lines: string[]; following: boolean }) {
  const box = useRef<HTMLOListElement>(null);
  const atEnd = useRef(true);
  const [all, setAll] = useState(false);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [lines.length, following]);
  if (lines.length === 0) return <p class="muted">{m.emptyLog}</p>;
  const from = all ? 0 : Math.max(0, lines.length - LOG_TAIL);
  return (
    <>
      {from > 0 && (
        <button type="button" class="link-button" onClick={() => setAll(true)}>
          {m.showAllLines(lines.length)}
        </button>
      )}
      <ol
        class="log"
        ref={box}
        tabIndex={0}
        aria-label={m.log}
        data-testid="log"
        style={{ counterReset: `line ${from}` }}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {lines.slice(from).map((line, i) => (
          <li key={from + i}>{line}</li>
        ))}
      </ol>
    </>
  );
}

export function JobDetail({ id }: { id: string }) {
  const [job, setJob] = useState<Detail | null>(null);
  const [error, setError] = useState<{ message: string; missing: boolean } | null>(null);
  const { canWrite } = useStore(configStore);
  const close = () => navigate(withRoute({ job: undefined }));

  const load = useMemo(() => {
    let controller: AbortController | undefined;
    const run = () => {
      controller?.abort();
      controller = new AbortController();
      api.job(id, controller.signal).then(
        (j) => {
          setJob(j);
          setError(null);
        },
        (err: unknown) => {
          if ((err as Error).name === 'AbortError') return;
          setError({ message: errorText(err), missing: err instanceof ApiError && err.status === 404 });
        },
      );
    };
    return Object.assign(throttle(run, 400), { abort: () => controller?.abort() });
  }, [id]);

  useEffect(() => {
    setJob(null);
    setError(null);
    load();
    return () => {
      load.cancel();
      load.abort();
    };
  }, [load]);

  // Its own events reload it (at most a few times a second); progress alone is applied as
  // it comes, without reading a possibly large job again.
  useEffect(
    () =>
      onJobEvents((events) => {
        const mine = events.filter((e) => String(e.id) === id);
        if (mine.length === 0) return;
        if (mine.some((e) => e.event !== 'progress')) {
          load();
          return;
        }
        const last = mine[mine.length - 1]!;
        setJob((j) =>
          j ? { ...j, progress: Number(last.args[0]), progress_data: last.args[1] ?? j.progress_data } : j,
        );
      }),
    [id, load],
  );

  // While it runs, its log is followed: it changes without events.
  const running = job?.state === 'active';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (document.hidden) return;
      api.log(id).then(
        (log) => setJob((j) => (j && j.log.length !== log.length ? { ...j, log } : j)),
        () => undefined,
      );
    }, LOG_POLL);
    return () => clearInterval(timer);
  }, [id, running]);

  const title = job ? titleOf(job.data) : undefined;
  return (
    <Drawer
      onClose={close}
      labelledBy="job-title"
      describedBy={title === undefined ? undefined : 'job-title-text'}
      testId="job-detail"
    >
      <div class="detail-head">
        <h2 id="job-title" tabIndex={-1}>
          {m.jobTitle(id)}
        </h2>
        {job && <span class="type-chip">{job.type}</span>}
        {job && <span class={`badge state-${job.state}`}>{stateNames[job.state]}</span>}
        <button
          type="button"
          class="icon-button detail-close"
          aria-label={m.close}
          onClick={close}
          data-testid="job-close"
        >
          <CloseIcon />
        </button>
        {title !== undefined && (
          <p class="detail-title" id="job-title-text" data-testid="job-title-text">
            {title}
          </p>
        )}
      </div>
      {error && (
        <div class="detail-body">
          <p class={error.missing ? 'muted' : 'error-text'} role="alert" data-testid="job-error">
            {error.missing ? m.jobNotFound(id) : `${m.listFailed}: ${error.message}`}
          </p>
        </div>
      )}
      {!error && !job && (
        <div class="detail-body">
          <p class="muted">{m.loading}</p>
        </div>
      )}
      {!error && job && (
        <div class="detail-body">
          {canWrite && <Actions job={job} reload={load} close={close} />}
          <Summary job={job} />
          {job.error && (
            <Section title={m.error} id="detail-error">
              <p class="error-block" data-testid="job-error-text">
                {job.error}
              </p>
            </Section>
          )}
          <FlowPanel job={job} />
          <Section title={m.timeline} id="detail-timeline">
            <Timeline job={job} />
          </Section>
          <Section title={m.data} id="detail-data">
            <JsonView value={job.data} label={m.data} testId="job-data" />
          </Section>
          {job.result !== null && job.result !== undefined && (
            <Section title={m.result} id="detail-result">
              <JsonView value={job.result} label={m.result} testId="job-result" />
            </Section>
          )}
          {job.progress_data !== null && job.progress_data !== undefined && (
            <Section title={m.progressData} id="detail-progress-data">
              <JsonView value={job.progress_data} label={m.progressData} />
            </Section>
          )}
          <Section
            title={`${m.attemptsHeading} (${num(job.errors.length + (job.state === 'active' || job.state === 'complete' ? 1 : 0))})`}
            id="detail-attempts"
          >
            <Attempts job={job} />
          </Section>
          <Section title={m.log} id="detail-log">
            {running && (
              <p class="following">
                <span class="live-dot" aria-hidden="true" />
                {m.following}
              </p>
            )}
            <Log lines={job.log} following={running} />
          </Section>
        </div>
      )}
    </Drawer>
  );
}
