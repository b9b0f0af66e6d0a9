// `kue flow <id>`: a job's place in a flow in the terminal: its parent, its policy, what its
// children have come to, why it still waits, and a page of its pending, complete or failed
// children.
import { InvalidArgumentError, type Command } from 'commander';
import { defaults } from '../defaults.js';
import { FLOW_TREE_PARTS, MAX_FLOW_PAGE, type FlowTree, type FlowTreePart } from '../queue/flow-tree.js';
import { withQueue } from './short-queue.js';
import { alignedTable } from './table.js';
import { redactRedisUrl } from './urls.js';

interface FlowCommandOptions {
  redis?: string;
  prefix: string;
  part: FlowTreePart;
  limit?: number;
  cursor?: string;
  json?: boolean;
}

/** The order states are named in "waiting for 10: 3 active, 7 inactive". */
const STATE_ORDER = ['active', 'inactive', 'delayed', 'waiting', 'complete', 'failed', 'missing'];

const n = (value: number) => value.toLocaleString('en-US');

function parsePart(value: string): FlowTreePart {
  if (!FLOW_TREE_PARTS.includes(value as FlowTreePart))
    throw new InvalidArgumentError(`Expected one of ${FLOW_TREE_PARTS.join(', ')}.`);
  return value as FlowTreePart;
}

function parseId(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError('Expected a job id (a whole number from 1).');
  return Number(value);
}

function parseLimit(value: string): number {
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_FLOW_PAGE))
    throw new InvalidArgumentError(`Expected a whole number from 1 to ${MAX_FLOW_PAGE}.`);
  return limit;
}

/** "3 active, 7 inactive": the pending children by state, the usual order first. */
export function pendingWords(states: FlowTree['pendingStates']): string {
  const entries = Object.entries(states).filter(([, count]) => count! > 0);
  entries.sort(([a], [b]) => STATE_ORDER.indexOf(a) - STATE_ORDER.indexOf(b));
  return entries
    .map(([state, count]) => `${n(count!)} ${state === 'missing' ? 'gone (see kue check)' : state}`)
    .join(', ');
}

/** "children 9,990/10,000 settled: 9,900 complete, 90 failed; waiting for 10: 3 active, 7 inactive". */
export function childrenLine(tree: FlowTree): string {
  const { total, pending, complete, failed } = tree.children;
  let line = `children ${n(complete + failed)}/${n(total)} settled: ${n(complete)} complete, ${n(failed)} failed`;
  if (pending > 0) {
    line += `; waiting for ${n(pending)}: ${pendingWords(tree.pendingStates)}`;
    if (!tree.pendingStatesExact) line += ' (estimated from a sample of 1,000)';
    if (tree.oldestPending !== null) line += `; oldest pending: ${tree.oldestPending}`;
  }
  return line;
}

/** What `kue flow` prints for one node and its page of children. */
export function formatFlowTree(tree: FlowTree, where: string): string[] {
  const { flow } = tree;
  const lines = [`${where}: job ${tree.id} "${tree.type}" is ${tree.state}.`];
  if (flow.parentId !== undefined) lines.push(`Parent: job ${flow.parentId}.`);
  if (flow.children === undefined) {
    if (flow.parentId === undefined) lines.push('It is in no flow.');
    return lines;
  }
  lines.push(
    `Policy: onChildFailure ${flow.onChildFailure}, cancelChildren ${flow.cancelChildren ? 'true' : 'false'}.`,
  );
  if (flow.failedChild !== undefined) lines.push(`Failed because of child job ${flow.failedChild}.`);
  const line = childrenLine(tree);
  lines.push(`${line[0]!.toUpperCase()}${line.slice(1)}.`);
  const count = tree.part === 'pending' ? tree.children.pending : tree.children[tree.part];
  if (tree.items.length === 0) {
    lines.push(`No ${tree.part} children${count > 0 ? ' on this page' : ''}.`);
  } else {
    const failed = tree.part === 'failed';
    const rows = [
      ['ID', 'TYPE', 'STATE', 'CHILDREN', ...(failed ? ['CODE', 'ERROR'] : [])],
      ...tree.items.map((item) => [
        String(item.id),
        item.type ?? '-',
        item.state ?? 'removed',
        item.children ? `${n(item.children.complete + item.children.failed)}/${n(item.children.total)} settled` : '-',
        ...(failed ? [item.code ?? '', item.error ?? ''] : []),
      ]),
    ];
    lines.push(
      '',
      `${tree.part[0]!.toUpperCase()}${tree.part.slice(1)} children (${n(tree.items.length)} of ${n(count)}):`,
    );
    lines.push(...alignedTable(rows));
  }
  if (tree.next) lines.push('', `More: the same command with --cursor ${tree.next}`);
  return lines;
}

/** `kue flow <id>`, on a command that has the queue options. */
export function defineFlowTree(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description(
      "Show a job's place in a flow: its parent, its policy, its children's counts, what a waiting\n" +
        'parent waits for, and a page of its pending, complete or failed children.',
    )
    .argument('<id>', 'the job id', parseId)
    .option('--part <part>', `the children to list: ${FLOW_TREE_PARTS.join(', ')}`, parsePart, 'pending')
    .option('--limit <n>', `children per page (1 to ${MAX_FLOW_PAGE}, default 50)`, parseLimit)
    .option('--cursor <cursor>', 'the page after the one that printed it')
    .option('--json', 'print the node as JSON (the API answer of GET /api/job/:id/flow)')
    .action(async (id: number, opts: FlowCommandOptions) => {
      const redis = opts.redis ?? defaults.redisUrl;
      const tree = await withQueue({ redis, prefix: opts.prefix }, 'The flow could not be read', (q) =>
        q.admin.flowTree(id, {
          part: opts.part,
          ...(opts.limit !== undefined && { limit: opts.limit }),
          ...(opts.cursor !== undefined && { cursor: opts.cursor }),
        }),
      );
      if (opts.json) out(JSON.stringify(tree, null, 2));
      else formatFlowTree(tree, `Queue "${opts.prefix}" on ${redactRedisUrl(redis)}`).forEach((line) => out(line));
    });
}
