import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { JobState } from '../api';
import { configStore } from '../config';
import { JobFeed } from '../feed';
import { patchOf, patchVersion, resyncStore, typesStore } from '../live';
import { m } from '../messages';
import { navigate, type Route } from '../router';
import { throttle, useStore } from '../store';
import { useVirtualList } from '../virtual';
import { BulkBar, type Selection } from './bulk';
import { CloseIcon, RefreshIcon } from './icons';
import { useCounts } from './nav';
import { PauseButton } from './overview';
import { JobRow, PHONE_ROW_HEIGHT, ROW_HEIGHT } from './job-row';
import { TypeOptions } from './type-options';

const phoneQuery = matchMedia('(max-width: 640px)');

function usePhone(): boolean {
  const [phone, setPhone] = useState(phoneQuery.matches);
  useEffect(() => {
    const update = () => setPhone(phoneQuery.matches);
    phoneQuery.addEventListener('change', update);
    return () => phoneQuery.removeEventListener('change', update);
  }, []);
  return phone;
}

/** The time, refreshed every `every` ms, for "3 min ago" texts. */
function useNow(every: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

/** Moves focus between rows of the list on screen: used by the j / k / x shortcuts. */
export const listKeys: { move?: (delta: number) => void; toggle?: () => void } = {};

function Toolbar({ route, total }: { route: Route; total: number | undefined }) {
  const types = useStore(typesStore);
  const [asc, desc] = m.orderNames(route.state);
  const typeFilter = route.state !== 'all' || route.q !== undefined;
  const summary = types?.find((t) => t.type === route.type);
  const { canWrite } = useStore(configStore);
  return (
    <div class="toolbar">
      {typeFilter && (
        <label class="field">
          <span class="field-label">{m.filterType}</span>
          <select
            value={route.type ?? ''}
            onChange={(e) => navigate({ ...route, type: e.currentTarget.value || undefined, job: undefined })}
            data-testid="type-filter"
          >
            <option value="">{m.anyType}</option>
            <TypeOptions selected={route.type} />
          </select>
        </label>
      )}
      <label class="field">
        <span class="field-label">{m.orderLabel}</span>
        <select
          value={route.order}
          onChange={(e) => navigate({ ...route, order: e.currentTarget.value as 'asc' | 'desc', job: undefined })}
          data-testid="order"
        >
          <option value="asc">{asc}</option>
          <option value="desc">{desc}</option>
        </select>
      </label>
      <div class="segmented" role="group" aria-label={m.densityLabel}>
        {(['compact', 'detailed'] as const).map((rows) => (
          <button
            key={rows}
            type="button"
            aria-pressed={route.rows === rows}
            data-testid={`rows-${rows}`}
            onClick={() => navigate({ ...route, rows }, { replace: true })}
          >
            {m[rows]}
          </button>
        ))}
      </div>
      {canWrite && summary && <PauseButton summary={summary} />}
      {total !== undefined && (
        <span class="toolbar-count" data-testid="list-total">
          {m.jobsCount(total)}
        </span>
      )}
    </div>
  );
}

function ListView({ route }: { route: Route }) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const feed = useMemo(
    () => new JobFeed({ state: route.state, type: route.type, order: route.order, q: route.q }, () => rerender(0)),
    // The list is keyed by these: a new filter is a new list.
    [],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const phone = usePhone();
  const now = useNow(30_000);
  useStore(patchVersion);
  const { canWrite, search } = useStore(configStore);
  const counts = useCounts(route.type);
  const stateCount = route.state === 'all' ? undefined : counts?.[route.state as JobState];
  const total = feed.isSearch
    ? feed.ids
      ? feed.ids.length
      : undefined
    : route.state === 'all'
      ? undefined
      : stateCount;
  const [stale, setStale] = useState(false);
  const [selection, setSelection] = useState<Selection>({ ids: new Set(), all: false });
  const lastClicked = useRef<number | null>(null);

  useEffect(() => {
    feed.start();
    return () => feed.dispose();
  }, [feed]);

  const rowHeight = (phone ? PHONE_ROW_HEIGHT : ROW_HEIGHT)[route.rows];
  const count = feed.count + (feed.hasMore && feed.count > 0 ? 1 : 0);
  const virtual = useVirtualList({ count, rowHeight, getScrollElement: () => scroller.current });
  const items = virtual.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : 0;
  const firstIndex = items.length > 0 ? items[0]!.index : 0;

  useEffect(() => {
    feed.ensure(firstIndex, lastIndex);
  });

  // The list follows the server: at the top it reloads when its count changes (at most once
  // a second); scrolled down it offers a refresh instead of moving rows under the reader.
  const reloadSoon = useMemo(() => throttle(() => feed.reload(), 1_000), [feed]);
  useEffect(() => () => reloadSoon.cancel(), [reloadSoon]);
  const seen = useRef<number | undefined>(undefined);
  const resync = useStore(resyncStore);
  const selecting = useRef(false);
  selecting.current = selection.all || selection.ids.size > 0;
  const onChange = () => {
    if (feed.isSearch) return;
    const atTop = (scroller.current?.scrollTop ?? 0) < rowHeight && feed.count <= 300;
    // Rows never move under a reader who is selecting them.
    if ((atTop || feed.loading) && !selecting.current) reloadSoon();
    else setStale(true);
  };
  useEffect(() => {
    if (stateCount === undefined) return;
    if (seen.current !== undefined && seen.current !== stateCount) onChange();
    seen.current = stateCount;
  }, [stateCount]);
  const firstResync = useRef(resync);
  useEffect(() => {
    if (resync !== firstResync.current) onChange();
  }, [resync]);

  const refresh = () => {
    setStale(false);
    scroller.current?.scrollTo({ top: 0 });
    feed.reload();
  };

  const select = (id: string, on: boolean, shift: boolean) => {
    const ids = feed.knownIds();
    const index = ids.indexOf(id);
    setSelection((current) => {
      const next = new Set(current.ids);
      if (shift && lastClicked.current !== null && index >= 0) {
        const [a, b] = [Math.min(lastClicked.current, index), Math.max(lastClicked.current, index)];
        for (let i = a; i <= b; i++) {
          const at = ids[i];
          if (at === undefined) continue;
          if (on) next.add(at);
          else next.delete(at);
        }
      } else if (on) next.add(id);
      else next.delete(id);
      return { ids: next, all: false };
    });
    lastClicked.current = index;
  };

  listKeys.move = (delta) => {
    const active = document.activeElement as HTMLElement | null;
    const row = active?.closest<HTMLElement>('[data-index]');
    const from = row ? Number(row.dataset.index) : delta > 0 ? firstIndex - 1 : lastIndex + 1;
    const to = Math.max(0, Math.min(feed.count - 1, from + delta));
    if (feed.count === 0) return;
    virtual.scrollToIndex(to, { align: 'auto' });
    const focus = (tries: number) => {
      const link = scroller.current?.querySelector<HTMLElement>(`[data-index="${to}"] [data-row-link]`);
      if (link) link.focus();
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    requestAnimationFrame(() => focus(10));
  };
  listKeys.toggle = () => {
    const row = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-id]');
    const id = row?.dataset.id;
    if (id && canWrite) select(id, !selection.ids.has(id), false);
  };
  useEffect(
    () => () => {
      listKeys.move = undefined;
      listKeys.toggle = undefined;
    },
    [],
  );

  const known = feed.knownIds();
  const allLoadedSelected = known.length > 0 && known.every((id) => selection.ids.has(id));
  const someSelected = selection.ids.size > 0;
  const headerCheck = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerCheck.current) headerCheck.current.indeterminate = someSelected && !allLoadedSelected;
  });

  const filtered = route.type !== undefined || route.q !== undefined;
  const label = `${m.listHeading(route.state)}${route.q ? ` ${m.matching(route.q)}` : ''}`;
  const onDone = () => {
    setSelection({ ids: new Set(), all: false });
    refresh();
  };

  return (
    <div class="page page-list">
      <div class="page-head">
        <h1>
          {m.listHeading(route.state)}
          {route.q && <span class="heading-sub"> {m.matching(route.q)}</span>}
        </h1>
        {route.q && (
          <span class="chip">
            {route.q}
            <button
              type="button"
              class="chip-clear"
              aria-label={m.clearSearch}
              onClick={() => navigate({ ...route, q: undefined })}
            >
              <CloseIcon size={14} />
            </button>
          </span>
        )}
      </div>
      <Toolbar route={route} total={total} />
      {canWrite && (
        <BulkBar
          route={route}
          feed={feed}
          total={total}
          selection={selection}
          setSelection={setSelection}
          onDone={onDone}
        />
      )}
      {feed.isSearch && !search && (
        <p class="note" data-testid="search-off">
          {m.searchOff}
        </p>
      )}
      {feed.truncated && <p class="note">{m.searchTruncated}</p>}
      {stale && (
        <div class="banner banner-info" role="status">
          <span>{m.listChanged}</span>
          <button type="button" class="button button-small" onClick={refresh} data-testid="list-refresh">
            <RefreshIcon size={14} />
            {m.refresh}
          </button>
        </div>
      )}
      <div class="list-frame">
        <div class="list-head" aria-hidden={!canWrite}>
          {canWrite && (
            <input
              ref={headerCheck}
              type="checkbox"
              class="row-check"
              checked={allLoadedSelected}
              aria-label={m.selectLoaded}
              data-testid="select-loaded"
              onChange={(e) => setSelection({ ids: e.currentTarget.checked ? new Set(known) : new Set(), all: false })}
            />
          )}
          <span class="list-head-label" data-testid="list-shown" data-loaded={feed.count}>
            {feed.count === 0 ? (feed.loading ? m.loading : '') : m.shownOf(feed.count, total)}
          </span>
        </div>
        <div class="list-scroll" ref={scroller} data-testid="list-scroll" tabIndex={-1}>
          {feed.error && (
            <div class="list-message error-text" role="alert">
              {m.listFailed}: {feed.error}{' '}
              <button type="button" class="button button-small" onClick={() => feed.reload()}>
                {m.retry}
              </button>
            </div>
          )}
          {!feed.error && !feed.loading && feed.count === 0 && (
            <div class="list-message empty-note" data-testid="list-empty">
              {feed.isSearch ? m.emptySearch : m.emptyList(route.state, filtered)}
            </div>
          )}
          <div
            class="list-inner"
            role="list"
            aria-label={label}
            aria-busy={feed.loading}
            style={{ height: `${virtual.getTotalSize()}px` }}
            data-testid="job-list"
          >
            {items.map((item) => {
              if (item.index >= feed.count) {
                return (
                  <div
                    key={item.key}
                    role="listitem"
                    class="row row-loader"
                    style={{ transform: `translateY(${item.start}px)`, height: `${item.size}px` }}
                  >
                    {m.loadMore}
                  </div>
                );
              }
              const job = feed.rows[item.index];
              return (
                <JobRow
                  key={item.key}
                  job={job}
                  index={item.index}
                  top={item.start}
                  height={item.size}
                  density={route.rows}
                  setSize={total ?? -1}
                  patch={job ? patchOf(job.id) : undefined}
                  selectable={canWrite}
                  selected={job ? selection.all || selection.ids.has(job.id) : false}
                  onSelect={select}
                  now={now}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The list of a state (or of search results): a new list whenever its filters change. */
export function JobList({ route }: { route: Route }) {
  const key = [route.state, route.type ?? '', route.order, route.q ?? ''].join('\u0000');
  return <ListView key={key} route={route} />;
}
