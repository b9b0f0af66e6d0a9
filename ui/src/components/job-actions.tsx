// The actions on one job (retry or requeue, promote, priority, remove). Each move names the
// state the job was shown in, so the server refuses it (409) if the job moved on meanwhile.
import { useState } from 'preact/hooks';
import { api, type JobDetail as Detail } from '../api';
import { PRIORITIES, priorityName } from '../format';
import { refreshCounts } from '../live';
import { m } from '../messages';
import { toast, toastError } from '../toasts';
import { confirmAction, confirmWithReason } from './confirm';
import { CancelIcon, PromoteIcon, RetryIcon, TrashIcon } from './icons';

export function Actions({ job, reload, close }: { job: Detail; reload: () => void; close: () => void }) {
  const [busy, setBusy] = useState(false);
  // A flow's parent takes its pending children along (and theirs): the buttons say so.
  const parent = job.flow?.children !== undefined;
  const act = async (run: () => Promise<unknown>, success: string, after: 'reload' | 'close' = 'reload') => {
    setBusy(true);
    try {
      await run();
      toast('success', success);
      refreshCounts();
      if (after === 'close') close();
      else reload();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    const ok = await confirmAction({
      title: m.confirmRemoveJob(job.id),
      body: parent ? m.flow.confirmRemoveSubtreeBody : m.confirmRemoveJobBody,
      confirmLabel: m.actions.remove,
      danger: true,
    });
    if (ok) await act(() => api.remove(job.id, job.state), m.jobRemoved(job.id), 'close');
  };
  const cancel = async () => {
    const reason = await confirmWithReason({
      title: m.confirmCancelJob(job.id),
      body: parent ? m.flow.confirmCancelSubtreeBody : m.confirmCancelJobBody,
      confirmLabel: m.actions.cancel,
      dismissLabel: m.keepJob,
      reasonLabel: m.cancelReasonLabel,
      danger: true,
    });
    if (reason === null) return;
    await act(async () => {
      const { cancelled } = await api.cancel(job.id, reason || undefined);
      if (!cancelled) throw new Error(m.jobAlreadyFinished(job.id));
    }, m.jobCancelled(job.id));
  };
  const cancellable = ['inactive', 'delayed', 'active', 'waiting'].includes(job.state ?? '');
  const named = PRIORITIES.some(([, v]) => v === job.priority);
  return (
    <div class="detail-actions" data-testid="job-actions">
      {(job.state === 'failed' || job.state === 'complete') && (
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          data-testid="job-retry"
          onClick={() => void act(() => api.requeue(job.id, job.state), m.jobRequeued(job.id))}
        >
          <RetryIcon size={16} />
          {job.state === 'failed' ? m.actions.retry : m.actions.requeue}
        </button>
      )}
      {job.state === 'delayed' && (
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          data-testid="job-promote"
          onClick={() => void act(() => api.promote(job.id, job.state), m.jobPromoted(job.id))}
        >
          <PromoteIcon size={16} />
          {m.actions.promote}
        </button>
      )}
      <label class="field field-inline">
        <span class="field-label">{m.actions.priorityLabel}</span>
        <select
          value={String(job.priority)}
          disabled={busy}
          data-testid="job-priority"
          onChange={(e) => {
            const value = Number(e.currentTarget.value);
            void act(() => api.priority(job.id, value), m.priorityChanged(job.id, priorityName(value)));
          }}
        >
          {!named && <option value={String(job.priority)}>{job.priority}</option>}
          {PRIORITIES.map(([name, value]) => (
            <option key={name} value={String(value)}>
              {m.priorityNames[name]} ({value})
            </option>
          ))}
        </select>
      </label>
      {cancellable && (
        <button
          type="button"
          class="button button-danger-quiet"
          disabled={busy}
          onClick={() => void cancel()}
          data-testid="job-cancel"
        >
          <CancelIcon size={16} />
          {parent ? m.flow.cancelSubtree : m.actions.cancel}
        </button>
      )}
      <button
        type="button"
        class="button button-danger-quiet"
        disabled={busy}
        onClick={() => void remove()}
        data-testid="job-remove"
      >
        <TrashIcon size={16} />
        {parent ? m.flow.removeSubtree : m.actions.remove}
      </button>
    </div>
  );
}
