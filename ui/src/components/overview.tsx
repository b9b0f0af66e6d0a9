import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, STATES, type TypeSummary } from '../api';
import { configStore } from '../config';
import { hasLimits } from '../format';
import { refreshTypes, typesStore } from '../live';
import { m, num, stateHints, stateNames } from '../messages';
import { useRefreshed } from '../refreshed';
import { followLink, href, listRoute, navigate, overviewRoute, type Route } from '../router';
import { useStore } from '../store';
import { toast, toastError } from '../toasts';
import { CloseIcon, PauseIcon, PlayIcon } from './icons';
import { LimitedBadge } from './limits';
import { useCounts } from './nav';

function StateCards({ route }: { route: Route }) {
  const counts = useCounts(route.type);
  return (
    <ul class="state-cards">
      {STATES.map((state) => {
        const target = listRoute(state, { type: route.type, q: undefined });
        return (
          <li key={state}>
            <a class={`state-card state-${state}`} href={href(target)} onClick={(e) => followLink(e, target)}>
              <span class="state-card-label">
                <span class={`state-dot state-${state}`} aria-hidden="true" />
                {stateNames[state]}
              </span>
              <span class="state-card-count" data-testid={`count-${state}`}>
                {counts ? num(counts[state]) : '–'}
              </span>
              <span class="state-card-hint">{stateHints[state]}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

export function PauseButton({ summary }: { summary: TypeSummary }) {
  const [busy, setBusy] = useState(false);
  const { type, paused } = summary;
  const toggle = async () => {
    setBusy(true);
    try {
      await (paused ? api.resume(type) : api.pause(type));
      toast('success', paused ? m.resumedType(type) : m.pausedType(type));
      typesStore.update((list) => list?.map((t) => (t.type === type ? { ...t, paused: !paused } : t)) ?? list);
      refreshTypes();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class="button button-small"
      disabled={busy}
      onClick={() => void toggle()}
      aria-label={paused ? m.resumeType(type) : m.pauseType(type)}
      data-testid={`pause-${type}`}
    >
      {paused ? <PlayIcon size={14} /> : <PauseIcon size={14} />}
      {paused ? m.resume : m.pause}
    </button>
  );
}

/** How often the overview reads the types' limits again (ms): they change seldom. */
const LIMITS_REFRESH_MS = 15_000;

function TypesTable({ route }: { route: Route }) {
  const types = useStore(typesStore);
  const { canWrite } = useStore(configStore);
  const totals = useCounts();
  const limits = useRefreshed(api.limits, LIMITS_REFRESH_MS).value;
  const limitsOf = (type: string) => limits?.find((l) => l.type === type && hasLimits(l));
  if (!types) return <p class="muted">{m.loading}</p>;
  if (types.length === 0) return <p class="muted empty-note">{m.noTypes}</p>;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={m.typesHeading}>
      <table class="types-table">
        <thead>
          <tr>
            <th scope="col">{m.typeColumn}</th>
            {STATES.map((s) => (
              <th scope="col" class="num" key={s}>
                {stateNames[s]}
              </th>
            ))}
            <th scope="col">{m.statusColumn}</th>
            {canWrite && (
              <th scope="col">
                <span class="visually-hidden">{m.pause}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {types.map((t) => {
            const select = overviewRoute({ type: route.type === t.type ? undefined : t.type });
            const limited = limitsOf(t.type);
            return (
              <tr key={t.type} class={route.type === t.type ? 'selected' : undefined} data-type={t.type}>
                <th scope="row">
                  <a
                    href={href(select)}
                    onClick={(e) => followLink(e, select)}
                    aria-current={route.type === t.type ? 'true' : undefined}
                  >
                    {t.type}
                  </a>
                </th>
                {STATES.map((s) => {
                  const target = listRoute(s, { type: t.type, q: undefined });
                  return (
                    <td class="num" key={s}>
                      <a
                        class={t.counts[s] === 0 ? 'zero' : `count-${s}`}
                        href={href(target)}
                        onClick={(e) => followLink(e, target)}
                        aria-label={m.countLink(t.counts[s], s, t.type)}
                        data-testid={`type-count-${t.type}-${s}`}
                      >
                        {num(t.counts[s])}
                      </a>
                    </td>
                  );
                })}
                <td>
                  <span
                    class={`badge ${t.paused ? 'badge-warning' : 'badge-ok'}`}
                    data-testid={`type-status-${t.type}`}
                  >
                    {t.paused ? m.paused : m.running}
                  </span>
                  {limited && <LimitedBadge limits={limited} />}
                </td>
                {canWrite && (
                  <td class="actions-cell">
                    <PauseButton summary={t} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
        {types.length > 1 && totals && (
          <tfoot>
            <tr>
              <th scope="row">{m.totalRow}</th>
              {STATES.map((s) => (
                <td class="num" key={s}>
                  {num(totals[s])}
                </td>
              ))}
              <td />
              {canWrite && <td />}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

/** The charts load after the first paint, in their own chunk (uPlot is most of it). */
function LazyCharts({ route }: { route: Route }) {
  const [Charts, setCharts] = useState<ComponentType<{ route: Route }> | null>(null);
  useEffect(() => {
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // The server may be unreachable for a while (restarting): try again until it answers.
    const load = () =>
      import('./charts').then(
        (mod) => live && setCharts(() => mod.Charts),
        () => live && (retry = setTimeout(() => void load(), 3_000)),
      );
    void load();
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, []);
  return Charts ? (
    <Charts route={route} />
  ) : (
    <section class="card charts-placeholder" aria-busy="true">
      <h2>{m.chartsHeading}</h2>
    </section>
  );
}

export function Overview({ route }: { route: Route }) {
  return (
    <div class="page">
      <div class="page-head">
        <h1>{m.overview}</h1>
        {route.type && (
          <span class="chip">
            {m.filterType}: {route.type}
            <button
              type="button"
              class="chip-clear"
              aria-label={m.clearType}
              onClick={() => navigate(overviewRoute({ type: undefined }))}
            >
              <CloseIcon size={14} />
            </button>
          </span>
        )}
      </div>
      <section aria-label={m.statesHeading}>
        <StateCards route={route} />
      </section>
      <section class="card" aria-labelledby="types-heading">
        <h2 id="types-heading">{m.typesHeading}</h2>
        <TypesTable route={route} />
      </section>
      <LazyCharts route={route} />
    </div>
  );
}
