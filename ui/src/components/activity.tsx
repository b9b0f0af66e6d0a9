// The Activity page: the job events of the last minutes, read from the queue's event stream
// (so a dashboard that just started shows what happened before it), newest first, then the
// live ones as they come.
import { useEffect, useState } from 'preact/hooks';
import { api, type StreamEvent } from '../api';
import { onJobEvents, resyncStore } from '../live';
import { m } from '../messages';
import { followLink, href, withRoute } from '../router';
import { useStore } from '../store';
import { errorText } from '../toasts';

/** How far back the page starts (minutes). */
const MINUTES = 10;
/** Most events shown; older ones drop off the end. */
const MAX_ROWS = 500;

interface Loaded {
  rows: StreamEvent[];
  gap: boolean;
}

/** The newest events from MINUTES ago on, newest first. */
async function loadHistory(signal: AbortSignal): Promise<Loaded> {
  const since = Date.now() - MINUTES * 60_000;
  const page = await api.eventHistory({ since, newest: true, limit: MAX_ROWS }, signal);
  return { rows: [...page.events].reverse().slice(0, MAX_ROWS), gap: page.gap };
}

const newer = (a: string | undefined, b: string | undefined) => {
  if (!a || !b) return true;
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am! - bm! > 0 || (am === bm && as! - bs! > 0);
};

const timeOf = (e: StreamEvent) => (e.entry ? new Date(Number(e.entry.split('-')[0])) : undefined);

function details(args: unknown[]): string {
  const text = args.length ? JSON.stringify(args) : '';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

export function Activity() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const resync = useStore(resyncStore);

  useEffect(() => {
    const controller = new AbortController();
    // Live events wait until the history is in, then go on top of it (none twice).
    let held: StreamEvent[] | null = [];
    let newest: string | undefined;
    const add = (events: StreamEvent[]) =>
      setLoaded((l) => l && { ...l, rows: [...[...events].reverse(), ...l.rows].slice(0, MAX_ROWS) });
    const stop = onJobEvents((events) => {
      const fresh = (events as StreamEvent[]).filter((e) => newer(e.entry, newest));
      if (held) held.push(...fresh);
      else add(fresh);
    });
    loadHistory(controller.signal).then(
      (history) => {
        newest = history.rows[0]?.entry;
        setLoaded(history);
        const waiting = held!.filter((e) => newer(e.entry, newest));
        held = null;
        if (waiting.length) add(waiting);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => {
      controller.abort();
      stop();
    };
  }, [resync]);

  const c = m.activityColumns;
  return (
    <div class="page">
      <div class="page-head">
        <h1>{m.activity}</h1>
      </div>
      <p class="muted">{m.activityIntro(MINUTES)}</p>
      <section class="card" aria-label={m.activity}>
        {!loaded && <p class="muted">{error ? m.actionFailed(errorText(error)) : m.loading}</p>}
        {loaded?.gap && <p class="muted">{m.activityGap}</p>}
        {loaded?.rows.length === 0 && <p class="muted empty-note">{m.noActivity}</p>}
        {loaded && loaded.rows.length > 0 && (
          <div class="table-scroll" tabIndex={0} role="region" aria-label={m.activity}>
            <table class="types-table" data-testid="activity-table">
              <thead>
                <tr>
                  <th scope="col">{c.time}</th>
                  <th scope="col">{c.event}</th>
                  <th scope="col">{c.job}</th>
                  <th scope="col">{c.type}</th>
                  <th scope="col">{c.details}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.rows.map((e, i) => {
                  const at = timeOf(e);
                  const route = withRoute({ job: String(e.id) });
                  return (
                    <tr key={`${e.entry}-${e.event}-${e.id}-${i}`} data-testid="activity-row">
                      <td>{at && <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>}</td>
                      <td data-testid="activity-event">{e.event}</td>
                      <td>
                        {e.id > 0 ? (
                          <a href={href(route)} onClick={(ev) => followLink(ev, route)}>
                            #{e.id}
                          </a>
                        ) : (
                          '–'
                        )}
                      </td>
                      <td>{e.type}</td>
                      <td class="muted">{details(e.args)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
