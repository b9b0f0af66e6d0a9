import { STATES, type Counts, type JobState } from '../api';
import { countsStore, typesStore } from '../live';
import { m, num, pageNames, stateNames } from '../messages';
import { followLink, href, listRoute, overviewRoute, pageRoute, PAGES, type Route } from '../router';
import { useStore } from '../store';

/** The counts to show for the current type filter: overall, or those of one type. */
export function useCounts(type?: string): Counts | null {
  const counts = useStore(countsStore);
  const types = useStore(typesStore);
  if (!type) return counts;
  const summary = types?.find((t) => t.type === type);
  if (summary) return summary.counts;
  return types ? { inactive: 0, active: 0, delayed: 0, waiting: 0, failed: 0, complete: 0 } : null;
}

export function Nav({ route }: { route: Route }) {
  const counts = useCounts(route.type);
  const overview = overviewRoute();
  const link = (state: JobState) => listRoute(state, { q: route.q });
  return (
    <nav class="sidenav" aria-label={m.mainNav}>
      <ul>
        <li>
          <a
            href={href(overview)}
            aria-current={route.view === 'overview' ? 'page' : undefined}
            onClick={(e) => followLink(e, overview)}
            data-testid="nav-overview"
          >
            <span class="nav-label">{m.overview}</span>
          </a>
        </li>
        {STATES.map((state) => {
          const current = route.view === 'list' && route.state === state;
          return (
            <li key={state}>
              <a
                href={href(link(state))}
                aria-current={current ? 'page' : undefined}
                onClick={(e) => followLink(e, link(state))}
                data-testid={`nav-${state}`}
              >
                <span class={`state-dot state-${state}`} aria-hidden="true" />
                <span class="nav-label">{stateNames[state]}</span>
                <span class="nav-count" data-testid={`nav-count-${state}`}>
                  {counts ? num(counts[state]) : '–'}
                </span>
              </a>
            </li>
          );
        })}
        {PAGES.map((page, i) => {
          const target = pageRoute(page);
          return (
            <li key={page} class={i === 0 ? 'nav-separate' : undefined}>
              <a
                href={href(target)}
                aria-current={route.view === page ? 'page' : undefined}
                onClick={(e) => followLink(e, target)}
                data-testid={`nav-${page}`}
              >
                <span class="nav-label">{pageNames[page]}</span>
              </a>
            </li>
          );
        })}
      </ul>
      {route.type && (
        <p class="nav-filter">
          {m.filterType}: <strong>{route.type}</strong>
        </p>
      )}
    </nav>
  );
}
