// The dashboard's strings for actions on jobs, one or many (part of messages.ts, which
// spreads them into `m`): translate this file with it.
import type { BulkAction } from './api';
import { num, plural } from './numbers';

export const actionMessages = {
  actions: {
    retry: 'Retry',
    requeue: 'Run again',
    promote: 'Promote now',
    remove: 'Remove',
    cancel: 'Cancel job',
    setPriority: 'Set priority',
    priorityLabel: 'Priority',
  } as const,
  bulkVerb: { retry: 'Retry', promote: 'Promote', remove: 'Remove', cancel: 'Cancel' } as Record<BulkAction, string>,
  bulkDoing: { retry: 'Retrying', promote: 'Promoting', remove: 'Removing', cancel: 'Cancelling' } as Record<
    BulkAction,
    string
  >,
  bulkDone: { retry: 'Retried', promote: 'Promoted', remove: 'Removed', cancel: 'Cancelled' } as Record<
    BulkAction,
    string
  >,
  confirmTitle: (action: BulkAction, n: number) => `${actionMessages.bulkVerb[action]} ${plural(n, 'job', 'jobs')}?`,
  confirmBody: (action: BulkAction, n: number, what: string) =>
    action === 'remove'
      ? `${plural(n, 'job', 'jobs')} (${what}) will be deleted with their logs. This cannot be undone.`
      : action === 'cancel'
        ? `${plural(n, 'job', 'jobs')} (${what}) will end failed and not run again; running ones are stopped.`
        : action === 'retry'
          ? `${plural(n, 'job', 'jobs')} (${what}) will go back to inactive and run again.`
          : `${plural(n, 'job', 'jobs')} (${what}) will become inactive now instead of waiting.`,
  confirmButton: (action: BulkAction, n: number) => `${actionMessages.bulkVerb[action]} ${plural(n, 'job', 'jobs')}`,
  bulkProgress: (action: BulkAction, done: number, total: number) =>
    `${actionMessages.bulkDoing[action]}… ${num(done)} of ${num(total)}`,
  bulkWorking: (action: BulkAction) => `${actionMessages.bulkDoing[action]}…`,
  bulkResult: (action: BulkAction, n: number, skipped: number) =>
    `${actionMessages.bulkDone[action]} ${plural(n, 'job', 'jobs')}${skipped > 0 ? ` (${num(skipped)} skipped: no longer there or in another state)` : ''}`,
  confirmRemoveJob: (id: string) => `Remove job #${id}?`,
  confirmRemoveJobBody: 'The job, its log and its attempts will be deleted. This cannot be undone.',
  jobRemoved: (id: string) => `Job #${id} removed`,
  confirmCancelJob: (id: string) => `Cancel job #${id}?`,
  confirmCancelJobBody:
    'It ends failed and is not retried. If it is running, its handler is told to stop in whatever process runs it.',
  cancelReasonLabel: 'Reason (optional)',
  keepJob: 'Keep it',
  jobCancelled: (id: string) => `Job #${id} cancelled`,
  jobAlreadyFinished: (id: string) => `Job #${id} had already finished`,
  jobRequeued: (id: string) => `Job #${id} is inactive again`,
  jobPromoted: (id: string) => `Job #${id} promoted`,
  priorityChanged: (id: string, name: string) => `Job #${id}: priority ${name}`,
  actionFailed: (message: string) => `Failed: ${message}`,
  networkError: 'The server did not answer',
  copied: 'Copied to the clipboard',
  copyFailed: 'Could not copy',
};
