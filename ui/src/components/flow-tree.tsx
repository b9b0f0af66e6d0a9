// A job's place in a flow, on its detail panel: the parent it belongs to, and on a parent its
// policy, its children's counts (a bar), why it still waits, and its pending, complete and
// failed children, each part paged by cursor; a child that is a parent opens in place.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type FlowTree, type FlowTreeItem, type FlowTreePart, type JobDetail as Detail } from '../api';
import { onJobEvents, patchOf, patchVersion } from '../live';
import { m, num, stateNames } from '../messages';
import { followLink, href, withRoute } from '../router';
import { throttle, useStore } from '../store';
import { errorText } from '../toasts';

const fm = m.flow;
/** Children read per page ("Show more" reads the next). */
const PAGE = 20;
/** How often an open node reads its counts again while jobs change. */
const REFRESH_EVERY = 1_500;
const PARTS: FlowTreePart[] = ['pending', 'complete', 'failed'];
/** The order pending children are named in "3 active, 7 inactive". */
const STATE_ORDER = ['active', 'inactive', 'delayed', 'waiting', 'complete', 'failed', 'missing'];

function JobLink({ id, children, testId }: { id: number; children: preact.ComponentChildren; testId?: string }) {
  const target = withRoute({ job: String(id) });
  return (
    <a href={href(target)} onClick={(e) => followLink(e, target)} data-testid={testId}>
      {children}
    </a>
  );
}

/** A state's name as a label ("Inactive"); 'missing' is a pending id whose job is gone. */
const stateLabel = (state: string) =>
  state === 'missing' ? fm.missingState : (stateNames[state as keyof typeof stateNames] ?? state);
/** The same in a sentence ("3 inactive"). */
const stateName = (state: string) => stateLabel(state).toLowerCase();

function pendingByState(tree: FlowTree): Array<[string, number]> {
  return Object.entries(tree.pendingStates)
    .filter(([, n]) => n! > 0)
    .sort(([a], [b]) => STATE_ORDER.indexOf(a) - STATE_ORDER.indexOf(b)) as Array<[string, number]>;
}

/** "Waiting for 10 of 10,000 children: 3 active, 7 inactive; oldest pending: #123". */
function WhyWaiting({ tree }: { tree: FlowTree }) {
  const states = pendingByState(tree)
    .map(([state, n]) => fm.stateCount(n, stateName(state)))
    .join(', ');
  return (
    <p class="flow-why" data-testid={`flow-why-${tree.id}`}>
      {fm.why(tree.children.pending, tree.children.total, states, !tree.pendingStatesExact)}
      {tree.oldestPending !== null && (
        <>
          {'; '}
          {fm.oldestPending}{' '}
          <JobLink id={tree.oldestPending} testId={`flow-oldest-${tree.id}`}>
            #{tree.oldestPending}
          </JobLink>
        </>
      )}
    </p>
  );
}

/** The children as one bar: complete, failed, then the pending ones by state. */
function CountsBar({ tree }: { tree: FlowTree }) {
  const { total, complete, failed } = tree.children;
  const parts: Array<[key: string, n: number, label: string]> = [
    ['complete', complete, fm.parts.complete],
    ['failed', failed, fm.parts.failed],
    ...pendingByState(tree).map(([state, n]): [string, number, string] => [state, n, stateLabel(state)]),
  ];
  const whole = Math.max(
    total,
    parts.reduce((sum, [, n]) => sum + n, 0),
    1,
  );
  return (
    <div class="flow-counts">
      <div class="flow-bar" aria-hidden="true">
        {parts.map(([key, n]) =>
          n > 0 ? (
            <span key={key} class={`flow-bar-part state-${key}`} style={{ width: `${(n / whole) * 100}%` }} />
          ) : null,
        )}
      </div>
      <ul class="flow-legend" aria-label={fm.counts}>
        {parts.map(([key, n, label]) => (
          <li key={key}>
            <span class={`state-dot state-${key}`} aria-hidden="true" />
            {label} <strong data-testid={`flow-count-${tree.id}-${key}`}>{num(n)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ChildRow({ item, part, depth }: { item: FlowTreeItem; part: FlowTreePart; depth: number }) {
  const [open, setOpen] = useState(false);
  const patched = patchOf(String(item.id))?.state;
  const state = patched === 'removed' ? null : (patched ?? item.state);
  const nested = item.children;
  return (
    <li class="flow-child" data-testid={`flow-child-${item.id}`}>
      <div class="flow-child-line">
        <JobLink id={item.id}>#{item.id}</JobLink>
        {item.type !== null && <span class="type-chip">{item.type}</span>}
        <span class={`badge state-${state ?? 'removed'}`}>{state ? stateNames[state] : fm.gone}</span>
        {nested && <span class="muted">{fm.childrenOf(nested.complete + nested.failed, nested.total)}</span>}
        {nested && (
          <button
            type="button"
            class="link-button"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
            data-testid={`flow-expand-${item.id}`}
          >
            {open ? fm.collapse(item.id) : fm.expand(item.id)}
          </button>
        )}
      </div>
      {part === 'failed' && item.error !== undefined && (
        <p class="flow-child-error">
          <span class="badge state-failed">{fm.code(item.code ?? '')}</span> {item.error}
        </p>
      )}
      {nested && open && (
        <div class="flow-nested" aria-label={fm.nestedOf(item.id)} role="group">
          <FlowNode id={item.id} depth={depth + 1} />
        </div>
      )}
    </li>
  );
}

/** One parent's counts, why it waits and its children by part: the panel's own, or a nested one opened. */
function FlowNode({ id, depth }: { id: number; depth: number }) {
  const [tree, setTree] = useState<FlowTree | null>(null);
  const [part, setPart] = useState<FlowTreePart>('pending');
  const [items, setItems] = useState<FlowTreeItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  useStore(patchVersion);

  // The first page of the part shown; every change of part starts it again.
  useEffect(() => {
    const controller = new AbortController();
    setBusy(true);
    api.flowTree(id, { part, limit: PAGE }, controller.signal).then(
      (t) => {
        setTree(t);
        setItems(t.items);
        setNext(t.next);
        setError(null);
        setBusy(false);
      },
      (err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        setError(errorText(err));
        setBusy(false);
      },
    );
    return () => controller.abort();
  }, [id, part]);

  // While jobs change, the counts are read again (the pages read stay as they are).
  const refresh = useMemo(
    () =>
      throttle(() => {
        api.flowTree(id, { part, limit: 1 }).then(setTree, () => undefined);
      }, REFRESH_EVERY),
    [id, part],
  );
  useEffect(() => {
    const off = onJobEvents(() => refresh());
    return () => {
      off();
      refresh.cancel();
    };
  }, [refresh]);

  const more = () => {
    if (!next) return;
    setBusy(true);
    api.flowTree(id, { part, cursor: next, limit: PAGE }).then(
      (t) => {
        setTree(t);
        setItems((list) => [...list, ...t.items.filter((i) => !list.some((l) => l.id === i.id))]);
        setNext(t.next);
        setBusy(false);
      },
      (err: unknown) => {
        setError(errorText(err));
        setBusy(false);
      },
    );
  };

  if (error) return <p class="error-text">{`${fm.readFailed}: ${error}`}</p>;
  if (!tree) return <p class="muted">{m.loading}</p>;
  const count = (p: FlowTreePart) => (p === 'pending' ? tree.children.pending : tree.children[p]);
  const tabId = (p: FlowTreePart) => `flow-tab-${id}-${p}`;
  const onKey = (e: KeyboardEvent, i: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const target = (i + step + PARTS.length) % PARTS.length;
    setPart(PARTS[target]!);
    tabs.current[target]?.focus();
  };
  return (
    <div class="flow-node" data-testid={`flow-node-${id}`}>
      {tree.state === 'waiting' && tree.children.pending > 0 && <WhyWaiting tree={tree} />}
      <CountsBar tree={tree} />
      <div class="flow-tabs" role="tablist" aria-label={fm.counts}>
        {PARTS.map((p, i) => (
          <button
            key={p}
            type="button"
            role="tab"
            id={tabId(p)}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            aria-selected={p === part}
            aria-controls={`flow-panel-${id}`}
            tabIndex={p === part ? 0 : -1}
            class={`flow-tab${p === part ? ' flow-tab-current' : ''}`}
            onClick={() => setPart(p)}
            onKeyDown={(e) => onKey(e, i)}
            data-testid={tabId(p)}
          >
            {fm.partTab(fm.parts[p], count(p))}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`flow-panel-${id}`} aria-labelledby={tabId(part)} class="flow-panel">
        {items.length === 0 && !busy && <p class="muted">{fm.emptyPart(part)}</p>}
        {items.length > 0 && (
          <ul class="flow-children" aria-label={fm.childrenList(fm.parts[part])} data-testid={`flow-list-${id}`}>
            {items.map((item) => (
              <ChildRow key={item.id} item={item} part={part} depth={depth} />
            ))}
          </ul>
        )}
        {items.length > 0 && (
          <p class="flow-shown muted" data-testid={`flow-shown-${id}`}>
            {fm.listed(items.length, count(part))}
          </p>
        )}
        {next && (
          <button
            type="button"
            class="button button-small"
            disabled={busy}
            onClick={more}
            data-testid={`flow-more-${id}`}
          >
            {busy ? fm.loadingMore : fm.more}
          </button>
        )}
      </div>
    </div>
  );
}

/** The flow section of a job's panel; nothing for a job in no flow. */
export function FlowPanel({ job }: { job: Detail }) {
  const flow = job.flow;
  const id = Number(job.id);
  if (!flow) return null;
  return (
    <section class="detail-section flow" aria-labelledby="detail-flow" data-testid="flow-panel">
      <h3 id="detail-flow">{fm.heading}</h3>
      {flow.parentId !== undefined && (
        <nav aria-label={fm.breadcrumb}>
          <ol class="breadcrumb" data-testid="flow-breadcrumb">
            <li>
              <JobLink id={flow.parentId} testId="flow-parent">
                {fm.parent(flow.parentId)}
              </JobLink>
            </li>
            <li aria-current="page">{fm.thisJob(job.id)}</li>
          </ol>
        </nav>
      )}
      {flow.children === undefined ? (
        <p class="muted">{fm.notAParent}</p>
      ) : (
        <>
          <dl class="facts flow-facts">
            <div>
              <dt>{fm.policy}</dt>
              <dd data-testid="flow-policy">
                {fm.policyValue(flow.onChildFailure ?? 'fail', flow.cancelChildren === true)}
              </dd>
            </div>
            {flow.failedChild !== undefined && (
              <div>
                <dt>{fm.failedBy}</dt>
                <dd>
                  <JobLink id={flow.failedChild} testId="flow-failed-child">
                    {fm.failedChild(flow.failedChild)}
                  </JobLink>
                </dd>
              </div>
            )}
          </dl>
          <FlowNode key={`${id}:${job.state}`} id={id} depth={0} />
        </>
      )}
    </section>
  );
}
