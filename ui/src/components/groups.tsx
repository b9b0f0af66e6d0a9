// The Groups page: the groups of one job type (`job.group(key)`), the largest first, with
// their inactive and active jobs and whether they are paused; pause and resume per group for
// users who may write. The type and a filter on the groups' names are in the URL, so the job
// panel can link to a job's group.
import type { RefObject } from 'preact';
import { useRef } from 'preact/hooks';
import { useAction } from '../action';
import { api, GROUPS_LISTED_AT_MOST, type GroupInfo } from '../api';
import { configStore } from '../config';
import { m, num } from '../messages';
import { useRefreshed } from '../refreshed';
import { followLink, href, navigate, pageRoute, type Route } from '../router';
import { useStore } from '../store';
import { PauseIcon, PlayIcon } from './icons';
import { ReadState } from './read-state';
import { TypeOptions } from './type-options';

/**
 * How often the page reads the groups again while open (ms). Each read walks every group of
 * the type in one script, so it is not read as often as the limits.
 */
const REFRESH_MS = 5_000;

/** A link to a group among the groups of its type (the page filtered by its name). */
export function GroupLink({ type, group }: { type: string; group: string }) {
  const target = pageRoute('groups', { type, group });
  return (
    <a
      href={href(target)}
      onClick={(e) => followLink(e, target)}
      title={m.showGroup(type, group)}
      aria-label={m.showGroup(type, group)}
    >
      {group}
    </a>
  );
}

function TypePicker({ type }: { type: string | undefined }) {
  return (
    <label class="field">
      <span class="field-label">{m.groupType}</span>
      <select
        value={type ?? ''}
        data-testid="groups-type"
        onChange={(e) => navigate(pageRoute('groups', { type: e.currentTarget.value || undefined }))}
      >
        {!type && <option value="">{m.chooseType}</option>}
        <TypeOptions selected={type} />
      </select>
    </label>
  );
}

/** The filter writes the URL as it is typed, replacing the entry: one back leaves the page. */
function FilterBox({ type, filter }: { type: string; filter: string }) {
  return (
    <label class="field groups-filter">
      <span class="field-label">{m.groupFilter}</span>
      <input
        class="input"
        type="search"
        autocomplete="off"
        spellcheck={false}
        placeholder={m.groupFilterPlaceholder}
        value={filter}
        data-testid="groups-filter"
        onInput={(e) =>
          navigate(pageRoute('groups', { type, group: e.currentTarget.value || undefined }), { replace: true })
        }
      />
    </label>
  );
}

function PauseGroupButton(props: { type: string; group: GroupInfo; onChanged: (paused: boolean) => void }) {
  const { busy, run } = useAction();
  const { type } = props;
  const { group, paused } = props.group;
  const toggle = async () => {
    // The button stays enabled while it works (a disabled button would drop the focus).
    if (busy) return;
    const done = await run(
      () => (paused ? api.resumeGroup(type, group) : api.pauseGroup(type, group)),
      (changed) => (paused ? m.resumedGroup(group, changed) : m.pausedGroup(group, changed)),
    );
    if (done) props.onChanged(!paused);
  };
  return (
    <button
      type="button"
      class="button button-small"
      aria-disabled={busy}
      aria-label={paused ? m.resumeGroup(type, group) : m.pauseGroup(type, group)}
      data-testid={`group-pause-${group}`}
      onClick={() => void toggle()}
    >
      {paused ? <PlayIcon size={14} /> : <PauseIcon size={14} />}
      <span class="button-label">{paused ? m.resume : m.pause}</span>
    </button>
  );
}

function GroupsTable(props: {
  type: string;
  groups: GroupInfo[];
  canWrite: boolean;
  onChanged: (group: GroupInfo, paused: boolean) => void;
}) {
  const c = m.groupColumns;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={m.groupsOfType(props.type)}>
      <table class="types-table groups-table" data-testid="groups-table">
        <thead>
          <tr>
            <th scope="col">{c.group}</th>
            <th scope="col" class="num">
              {c.inactive}
            </th>
            <th scope="col" class="num">
              {c.active}
            </th>
            {props.canWrite && <th scope="col">{c.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {props.groups.map((g) => (
            <tr key={g.group} class={g.paused ? 'group-paused' : undefined} data-testid={`group-${g.group}`}>
              <th scope="row" class="group-name">
                <span class="group-key">{g.group}</span>
                {g.paused && (
                  <span class="badge badge-warning" data-testid={`group-paused-${g.group}`}>
                    {m.paused}
                  </span>
                )}
              </th>
              <td class={g.waiting === 0 ? 'num muted' : 'num'} data-testid={`group-inactive-${g.group}`}>
                {num(g.waiting)}
              </td>
              <td class={g.active === 0 ? 'num muted' : 'num'} data-testid={`group-active-${g.group}`}>
                {num(g.active)}
              </td>
              {props.canWrite && (
                <td class="actions-cell">
                  <PauseGroupButton type={props.type} group={g} onChanged={(paused) => props.onChanged(g, paused)} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The groups of one type: a new one (its own reads) for each type chosen. */
function GroupsOfType(props: { type: string; filter: string; card: RefObject<HTMLElement | null> }) {
  const { type, filter } = props;
  const { canWrite } = useStore(configStore);
  const { value, error, reload, set } = useRefreshed(() => api.groups(type), REFRESH_MS);
  const needle = filter.toLowerCase();
  const shown = value && needle ? value.filter((g) => g.group.toLowerCase().includes(needle)) : value;

  const changed = (group: GroupInfo, paused: boolean) => {
    // A group resumed with no jobs is no longer listed: its row and button go, and the
    // focus stays on the page, on the card.
    if (!paused && group.waiting === 0 && group.active === 0) props.card.current?.focus();
    set(value!.map((g) => (g.group === group.group ? { ...g, paused } : g)));
    reload();
  };

  return (
    <>
      <div class="toolbar">
        <TypePicker type={type} />
        <FilterBox type={type} filter={filter} />
        {value && value.length > 0 && (
          <span class="toolbar-count" role="status" data-testid="groups-count">
            {filter ? m.groupsMatching(shown!.length, value.length, filter) : m.groupsListed(value.length)}
          </span>
        )}
      </div>
      <ReadState value={value} error={error} />
      {value?.length === 0 && (
        <p class="muted empty-note" data-testid="groups-empty">
          {m.noGroups(type)}
        </p>
      )}
      {value && value.length >= GROUPS_LISTED_AT_MOST && (
        <p class="groups-cut" data-testid="groups-cut">
          {m.groupsCut(GROUPS_LISTED_AT_MOST)}
        </p>
      )}
      {shown && shown.length > 0 && <GroupsTable type={type} groups={shown} canWrite={canWrite} onChanged={changed} />}
    </>
  );
}

export function GroupsPage({ route }: { route: Route }) {
  const card = useRef<HTMLElement>(null);
  return (
    <div class="page">
      <div class="page-head">
        <h1>{m.groups}</h1>
      </div>
      <p class="muted">{m.groupsIntro}</p>
      <section class="card" aria-label={m.groups} tabIndex={-1} ref={card} data-testid="groups-card">
        {route.type ? (
          <GroupsOfType key={route.type} type={route.type} filter={route.group ?? ''} card={card} />
        ) : (
          <>
            <div class="toolbar">
              <TypePicker type={undefined} />
            </div>
            <p class="muted empty-note" data-testid="groups-choose">
              {m.chooseGroupType}
            </p>
          </>
        )}
      </section>
    </div>
  );
}
