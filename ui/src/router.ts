// The URL holds the whole view: which list (path), its filters, order, search, row density,
// the open job, the chart range and the groups' filter (query). Every view can be bookmarked
// and shared.
import { STATES, type JobState, type Order } from './api';
import { createStore } from './store';

export type Density = 'compact' | 'detailed';
export type ListState = JobState | 'all';

/** The pages of their own, at `/<name>`: neither the overview nor a list of jobs. */
export const PAGES = ['schedules', 'limits', 'groups', 'activity'] as const;
export type PageName = (typeof PAGES)[number];

export interface Route {
  view: 'overview' | 'list' | PageName;
  /** The list shown ('all' for search results across states). */
  state: ListState;
  type?: string;
  order: Order;
  /** Full-text search query. */
  q?: string;
  /** The job open in the detail panel. */
  job?: string;
  /** The groups page's filter: part of a group's name. */
  group?: string;
  rows: Density;
  /** Minutes shown by the charts. */
  range: number;
}

export const RANGES = [60, 360, 1440] as const;

/** Lists read newest first where that is what people look for; queues read in run order. */
export const defaultOrder = (state: ListState): Order =>
  state === 'complete' || state === 'failed' || state === 'all' ? 'desc' : 'asc';

/** The mount path with a trailing slash: the folder of the page's URL. */
export const basePath = new URL('.', location.href).pathname;

export function parseRoute(url: URL = new URL(location.href)): Route {
  const segment = decodeURIComponent(url.pathname.slice(basePath.length).replace(/\/+$/, ''));
  const p = url.searchParams;
  const state: ListState =
    (STATES as readonly string[]).includes(segment) || segment === 'all' ? (segment as ListState) : 'inactive';
  const view: Route['view'] = (PAGES as readonly string[]).includes(segment)
    ? (segment as PageName)
    : segment === '' || state !== segment
      ? 'overview'
      : 'list';
  const order = p.get('order');
  const range = Number(p.get('range'));
  return {
    view,
    state,
    type: p.get('type') || undefined,
    order: order === 'asc' || order === 'desc' ? order : defaultOrder(state),
    q: p.get('q')?.trim() || undefined,
    job: /^\d{1,15}$/.test(p.get('job') ?? '') ? p.get('job')! : undefined,
    group: view === 'groups' ? p.get('group') || undefined : undefined,
    rows: p.get('rows') === 'detailed' ? 'detailed' : 'compact',
    range: (RANGES as readonly number[]).includes(range) ? range : 60,
  };
}

/** The URL (path and query, no origin) of a route. */
export function href(route: Route): string {
  const p = new URLSearchParams();
  if (route.type) p.set('type', route.type);
  if (route.view === 'list') {
    if (route.q) p.set('q', route.q);
    if (route.order !== defaultOrder(route.state)) p.set('order', route.order);
    if (route.rows !== 'compact') p.set('rows', route.rows);
  } else {
    if (route.view === 'groups' && route.group) p.set('group', route.group);
    if (route.range !== 60) p.set('range', String(route.range));
  }
  if (route.job) p.set('job', route.job);
  const query = p.toString();
  const page = route.view === 'list' ? route.state : route.view === 'overview' ? '' : route.view;
  return basePath + page + (query ? `?${query}` : '');
}

export const routeStore = createStore<Route>(parseRoute());

addEventListener('popstate', () => routeStore.set(parseRoute()));

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const target = href(route);
  if (target !== location.pathname + location.search) {
    history[options.replace ? 'replaceState' : 'pushState'](null, '', target);
  }
  routeStore.set(parseRoute());
}

/** The current route with some fields changed. */
export const withRoute = (change: Partial<Route>): Route => ({ ...routeStore.get(), ...change });

/** A list route: keeps the current type, search and density, resets order to the list's default. */
export function listRoute(state: ListState, change: Partial<Route> = {}): Route {
  const current = routeStore.get();
  return {
    ...current,
    view: 'list',
    state,
    order: defaultOrder(state),
    job: undefined,
    ...change,
  };
}

/**
 * A page of its own (schedules, limits, groups), without search or open job. The groups
 * page shows the groups of one type: it keeps the type chosen elsewhere; the others drop it.
 */
export function pageRoute(page: PageName, change: Partial<Route> = {}): Route {
  const current = routeStore.get();
  const type = page === 'groups' ? current.type : undefined;
  return { ...current, view: page, q: undefined, type, job: undefined, group: undefined, ...change };
}

export function overviewRoute(change: Partial<Route> = {}): Route {
  return { ...routeStore.get(), view: 'overview', q: undefined, job: undefined, ...change };
}

/** Follows a same-page link without reloading (plain left clicks only). */
export function followLink(event: MouseEvent, route: Route): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(route);
}
