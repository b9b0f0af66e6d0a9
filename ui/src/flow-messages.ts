// The dashboard's strings for flows, a parent and its children (part of messages.ts, which
// holds them as `m.flow`): translate this file with it.
import type { FlowTreePart } from './api';
import { num, plural } from './numbers';

const policyNames: Record<string, string> = {
  fail: 'the parent fails at once',
  ignore: 'the parent runs anyway and sees the failure',
  'remove-parent': 'the parent is removed',
};

export const flowMessages = {
  heading: 'Flow',
  breadcrumb: 'Place in the flow',
  parent: (id: number) => `Parent #${id}`,
  thisJob: (id: string) => `#${id}`,
  notAParent: 'A child in a flow: it settles its parent when it completes or fails for good.',
  policy: 'When a child fails',
  policyValue: (policy: string, cancelChildren: boolean) =>
    `${policyNames[policy] ?? policy}${cancelChildren ? '; its other pending children are cancelled' : ''}`,
  failedBy: 'Failed because of',
  failedChild: (id: number) => `child #${id}`,
  childrenOf: (settled: number, total: number) => `${num(settled)} of ${plural(total, 'child', 'children')} settled`,
  counts: 'Children by outcome',
  parts: { pending: 'Pending', complete: 'Complete', failed: 'Failed' } as Record<FlowTreePart, string>,
  partTab: (name: string, n: number) => `${name} (${num(n)})`,
  /** "waiting for 10 of 10,000 children: 3 active, 7 inactive" */
  why: (pending: number, total: number, states: string, estimated: boolean) =>
    `Waiting for ${num(pending)} of ${plural(total, 'child', 'children')}${states ? `: ${states}` : ''}${estimated ? ' (estimated from a sample)' : ''}`,
  stateCount: (n: number, state: string) => `${num(n)} ${state}`,
  missingState: 'Gone',
  oldestPending: 'oldest pending:',
  emptyPart: (part: FlowTreePart) =>
    part === 'pending'
      ? 'No pending children.'
      : part === 'complete'
        ? 'No child has completed.'
        : 'No child has failed.',
  more: 'Show more',
  loadingMore: 'Loading…',
  listed: (shown: number, total: number) => `Showing ${num(shown)} of ${num(total)}`,
  gone: 'removed',
  expand: (id: number) => `Show the children of #${id}`,
  collapse: (id: number) => `Hide the children of #${id}`,
  childrenList: (part: string) => `${part} children`,
  nestedOf: (id: number) => `Children of #${id}`,
  code: (code: string) => (code === 'FAILED' ? 'failed' : code.toLowerCase()),
  readFailed: 'The flow could not load',
  // The actions on a parent take its pending children along.
  cancelSubtree: 'Cancel subtree',
  removeSubtree: 'Remove subtree',
  confirmCancelSubtreeBody:
    'It ends failed and does not run; its pending children (and theirs) are cancelled with it. Children that settled stay as they are.',
  confirmRemoveSubtreeBody:
    'It is deleted with its pending children (and theirs), and so are the results it kept. Children that settled stay.',
  childrenCount: (n: number) => plural(n, 'child', 'children'),
};
