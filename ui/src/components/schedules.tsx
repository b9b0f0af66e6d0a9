// The Schedules page: every schedule with its rule in words, its next five due times, its last
// run and that run's state; pause, resume, run now and remove for users who may write.
import { useAction } from '../action';
import { api, type Schedule } from '../api';
import { configStore } from '../config';
import { formatRelative, formatWhen } from '../format';
import { refreshCounts } from '../live';
import { m, num, stateNames } from '../messages';
import { useRefreshed } from '../refreshed';
import { followLink, href, withRoute } from '../router';
import { useStore } from '../store';
import { confirmAction } from './confirm';
import { PauseIcon, PlayIcon, TrashIcon } from './icons';

/** How often the page reads the schedules again while open (ms). */
const REFRESH_MS = 5_000;

const status = (s: Schedule): keyof typeof m.scheduleStatus =>
  s.paused ? 'paused' : s.finished ? 'finished' : 'active';

function LastRun({ schedule }: { schedule: Schedule }) {
  const last = schedule.last;
  if (!last) return <span class="muted">{m.noRunYet}</span>;
  const route = withRoute({ job: String(last.jobId) });
  return (
    <span class="schedule-last">
      <a href={href(route)} onClick={(e) => followLink(e, route)} aria-label={m.openRun(last.jobId)}>
        #{last.jobId}
      </a>{' '}
      <time dateTime={last.due} title={last.due}>
        {formatRelative(Date.parse(last.due))}
      </time>{' '}
      {last.state ? (
        <span class={`badge state-${last.state}`} data-testid={`last-state-${schedule.id}`}>
          {stateNames[last.state]}
        </span>
      ) : (
        <span class="muted" data-testid={`last-state-${schedule.id}`}>
          {m.runGone}
        </span>
      )}
    </span>
  );
}

function ScheduleActions({ schedule, reload }: { schedule: Schedule; reload: () => void }) {
  const { busy, run } = useAction();
  const { id } = schedule;
  const act = async <T,>(action: () => Promise<T>, success: (result: T) => string) => {
    if (!(await run(action, success))) return;
    refreshCounts();
    reload();
  };
  const remove = async () => {
    const ok = await confirmAction({
      title: m.confirmRemoveSchedule(id),
      body: m.confirmRemoveScheduleBody,
      confirmLabel: m.actions.remove,
      danger: true,
    });
    if (ok)
      await act(
        () => api.removeSchedule(id),
        () => m.removedSchedule(id),
      );
  };
  return (
    <div class="schedule-actions">
      <button
        type="button"
        class="button button-small"
        disabled={busy}
        aria-label={schedule.paused ? m.resumeSchedule(id) : m.pauseSchedule(id)}
        data-testid={`schedule-pause-${id}`}
        onClick={() =>
          void (schedule.paused
            ? act(
                () => api.resumeSchedule(id),
                () => m.resumedSchedule(id),
              )
            : act(
                () => api.pauseSchedule(id),
                () => m.pausedSchedule(id),
              ))
        }
      >
        {schedule.paused ? <PlayIcon size={14} /> : <PauseIcon size={14} />}
        {schedule.paused ? m.resume : m.pause}
      </button>
      <button
        type="button"
        class="button button-small"
        disabled={busy}
        aria-label={m.runScheduleNow(id)}
        data-testid={`schedule-run-${id}`}
        onClick={() =>
          void act(
            () => api.runSchedule(id),
            (r) => m.ranSchedule(id, r.jobId),
          )
        }
      >
        <PlayIcon size={14} />
        {m.runNow}
      </button>
      <button
        type="button"
        class="button button-small button-danger-quiet"
        disabled={busy}
        aria-label={m.removeSchedule(id)}
        data-testid={`schedule-remove-${id}`}
        onClick={() => void remove()}
      >
        <TrashIcon size={14} />
        {m.actions.remove}
      </button>
    </div>
  );
}

export function Schedules() {
  const { canWrite } = useStore(configStore);
  const { value: schedules, error, reload } = useRefreshed(api.schedules, REFRESH_MS);

  const c = m.scheduleColumns;
  return (
    <div class="page">
      <div class="page-head">
        <h1>{m.schedules}</h1>
      </div>
      <p class="muted">{m.schedulesIntro}</p>
      <section class="card" aria-label={m.schedules}>
        {error !== null && schedules === null && (
          <p class="muted" role="alert">
            {m.actionFailed(error instanceof Error ? error.message : String(error))}
          </p>
        )}
        {schedules === null && error === null && <p class="muted">{m.loading}</p>}
        {schedules?.length === 0 && <p class="muted empty-note">{m.noSchedules}</p>}
        {schedules && schedules.length > 0 && (
          <div class="table-scroll" tabIndex={0} role="region" aria-label={m.schedules}>
            <table class="types-table schedules-table" data-testid="schedules-table">
              <thead>
                <tr>
                  <th scope="col">{c.id}</th>
                  <th scope="col">{c.rule}</th>
                  <th scope="col">{c.next}</th>
                  <th scope="col">{c.last}</th>
                  <th scope="col" class="num">
                    {c.runs}
                  </th>
                  <th scope="col">{c.status}</th>
                  {canWrite && <th scope="col">{c.actions}</th>}
                </tr>
              </thead>
              <tbody>
                {schedules.map((s) => (
                  <tr key={s.id} data-testid={`schedule-${s.id}`}>
                    <th scope="row">
                      <span class="schedule-id">{s.id}</span>
                      <span class="muted schedule-type">{s.job.type}</span>
                    </th>
                    <td>
                      <div class="schedule-rule" data-testid={`schedule-rule-${s.id}`}>
                        {s.description}
                      </div>
                    </td>
                    <td>
                      <ol class="schedule-upcoming" data-testid={`schedule-next-${s.id}`}>
                        {s.upcoming.map((due) => (
                          <li key={due}>
                            <time dateTime={due} title={due}>
                              {formatWhen(Date.parse(due))}
                            </time>
                          </li>
                        ))}
                      </ol>
                    </td>
                    <td>
                      <LastRun schedule={s} />
                    </td>
                    <td class="num">{num(s.runs)}</td>
                    <td data-testid={`schedule-status-${s.id}`}>{m.scheduleStatus[status(s)]}</td>
                    {canWrite && (
                      <td>
                        <ScheduleActions schedule={s} reload={reload} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
