// Actions on many jobs: the selected rows, or every job matching the list's filter. A
// confirmation states the count first; a progress bar follows the work, which runs on the
// server in batches.
import { useState } from 'preact/hooks';
import { api, type BulkAction, type JobState } from '../api';
import type { JobFeed } from '../feed';
import { refreshCounts } from '../live';
import { m } from '../messages';
import type { Route } from '../router';
import { toast, toastError } from '../toasts';
import { CancelIcon, PromoteIcon, RetryIcon, TrashIcon } from './icons';
import { Modal } from './modal';
import { useCounts } from './nav';

export interface Selection {
  ids: Set<string>;
  /** Every job matching the list's filter, loaded or not. */
  all: boolean;
}

/** Ids sent per request: the server acts on them in one go. */
const ID_BATCH = 500;

function actionsFor(state: Route['state'], byFilter: boolean): BulkAction[] {
  if (state === 'failed') return ['retry', 'remove'];
  if (state === 'delayed') return ['promote', 'cancel', 'remove'];
  if (state === 'complete') return byFilter ? ['remove'] : ['retry', 'remove'];
  if (state === 'all') return ['retry', 'promote', 'cancel', 'remove'];
  return ['cancel', 'remove'];
}

const ICONS: Record<BulkAction, () => preact.JSX.Element> = {
  retry: () => <RetryIcon size={14} />,
  promote: () => <PromoteIcon size={14} />,
  remove: () => <TrashIcon size={14} />,
  cancel: () => <CancelIcon size={14} />,
};

interface Task {
  action: BulkAction;
  total: number;
  /** The ids to act on, or null to act by the list's filter on the server. */
  ids: string[] | null;
  phase: 'confirm' | 'running';
  done: number;
  /** By filter: the state's count when the action started (progress is how far it fell). */
  startCount?: number;
}

function BulkDialog({
  task,
  route,
  onClose,
  onProgress,
}: {
  task: Task;
  route: Route;
  onClose: (result?: { count: number; skipped: number }) => void;
  onProgress: (task: Task) => void;
}) {
  const counts = useCounts(route.type);
  const what = m.selectionWhat(route.state, route.type, route.q);

  const run = async () => {
    let current: Task = { ...task, phase: 'running', done: 0 };
    onProgress(current);
    try {
      if (task.ids) {
        let count = 0;
        let skipped = 0;
        for (let i = 0; i < task.ids.length; i += ID_BATCH) {
          const r = await api.bulkIds(task.action, task.ids.slice(i, i + ID_BATCH));
          count += r.count;
          skipped += r.skipped;
          current = { ...current, done: Math.min(task.ids.length, i + ID_BATCH) };
          onProgress(current);
        }
        onClose({ count, skipped });
      } else {
        const r = await api.bulkAll(task.action, route.state as JobState, route.type);
        onClose({ count: r.count, skipped: 0 });
      }
    } catch (err) {
      toastError(err);
      onClose();
    }
  };

  // By filter the server answers when done; meanwhile the live counts tell how far it is.
  const live =
    task.ids === null && task.startCount !== undefined && counts
      ? Math.max(0, task.startCount - counts[route.state as JobState])
      : undefined;
  const done = task.ids ? task.done : live;
  const title = m.confirmTitle(task.action, task.total);
  return (
    <Modal
      open
      onClose={() => onClose()}
      labelledBy="bulk-title"
      class="modal-small"
      locked={task.phase === 'running'}
      testId="bulk-dialog"
    >
      <h2 id="bulk-title">{title}</h2>
      {task.phase === 'confirm' ? (
        <>
          <p>{m.confirmBody(task.action, task.total, what)}</p>
          <div class="modal-actions">
            <button type="button" class="button" onClick={() => onClose()} autofocus>
              {m.cancel}
            </button>
            <button
              type="button"
              class={`button ${task.action === 'remove' || task.action === 'cancel' ? 'button-danger' : 'button-primary'}`}
              onClick={() => void run()}
              data-testid="bulk-confirm"
            >
              {m.confirmButton(task.action, task.total)}
            </button>
          </div>
        </>
      ) : (
        <div class="bulk-progress" role="status" data-testid="bulk-progress">
          <p>
            {done !== undefined
              ? m.bulkProgress(task.action, Math.min(done, task.total), task.total)
              : m.bulkWorking(task.action)}
          </p>
          {done !== undefined && task.total > 0 ? (
            <progress max={task.total} value={Math.min(done, task.total)} aria-label={title} />
          ) : (
            <progress aria-label={title} />
          )}
        </div>
      )}
    </Modal>
  );
}

export function BulkBar(props: {
  route: Route;
  feed: JobFeed;
  total: number | undefined;
  selection: Selection;
  setSelection: (s: Selection) => void;
  onDone: () => void;
}) {
  const { route, feed, total, selection, setSelection } = props;
  const [task, setTask] = useState<Task | null>(null);
  const counts = useCounts(route.type);
  if (!selection.all && selection.ids.size === 0 && !task) return null;

  const known = feed.knownIds();
  const byFilter = selection.all && !feed.isSearch;
  const count = selection.all ? (total ?? known.length) : selection.ids.size;
  const allLoaded = known.length > 0 && known.every((id) => selection.ids.has(id));
  const offerAll =
    !selection.all && allLoaded && total !== undefined && total > selection.ids.size && route.state !== 'all';

  const start = (action: BulkAction) => {
    const ids = byFilter ? null : selection.all ? known : [...selection.ids];
    const startCount = byFilter && counts ? counts[route.state as JobState] : undefined;
    setTask({ action, total: ids ? ids.length : (startCount ?? count), ids, phase: 'confirm', done: 0, startCount });
  };

  const finish = (result?: { count: number; skipped: number }) => {
    const action = task?.action;
    setTask(null);
    if (result && action) {
      toast('success', m.bulkResult(action, result.count, result.skipped));
      refreshCounts();
      props.onDone();
    }
  };

  return (
    <div class="bulk-bar" role="region" aria-label={m.selected(count)} data-testid="bulk-bar">
      {(selection.all || selection.ids.size > 0) && (
        <>
          <span class="bulk-count" data-testid="bulk-count">
            {selection.all ? m.allMatchingSelected(count) : m.selected(count)}
          </span>
          {offerAll && (
            <button
              type="button"
              class="link-button"
              onClick={() => setSelection({ ids: new Set(), all: true })}
              data-testid="select-all-matching"
            >
              {m.selectAllMatching(total)}
            </button>
          )}
          <span class="bulk-actions">
            {actionsFor(route.state, byFilter).map((action) => (
              <button
                key={action}
                type="button"
                class={`button button-small ${action === 'remove' || action === 'cancel' ? 'button-danger-quiet' : ''}`}
                onClick={() => start(action)}
                data-testid={`bulk-${action}`}
              >
                {ICONS[action]()}
                {m.bulkVerb[action]}
              </button>
            ))}
            <button
              type="button"
              class="button button-small button-quiet"
              onClick={() => setSelection({ ids: new Set(), all: false })}
            >
              {m.clearSelection}
            </button>
          </span>
        </>
      )}
      {task && <BulkDialog task={task} route={route} onClose={finish} onProgress={setTask} />}
    </div>
  );
}
