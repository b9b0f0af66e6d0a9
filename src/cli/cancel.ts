// `kue cancel`: cancels jobs from the terminal, by id or every one matching a state and type.
// A running job's handler sees its signal abort in whatever process runs it (see job.cancel).
import { InvalidArgumentError, type Command } from 'commander';
import { defaults } from '../defaults.js';
import { CANCELLABLE_STATES, type CancellableState, type CancelOutcome } from '../queue/admin.js';
import { CliError } from './cli-error.js';
import { withQueue } from './short-queue.js';

interface CancelOptions {
  redis?: string;
  prefix: string;
  reason?: string;
  all?: boolean;
  state?: CancellableState;
  type?: string;
  json?: boolean;
  keepChildren?: boolean;
}

function parseState(value: string): CancellableState {
  if (!CANCELLABLE_STATES.includes(value as CancellableState))
    throw new InvalidArgumentError(`Expected one of ${CANCELLABLE_STATES.join(', ')}.`);
  return value as CancellableState;
}

function parseId(value: string, previous: number[] = []): number[] {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InvalidArgumentError('Expected a job id (a whole number from 1).');
  return [...previous, Number(value)];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What `kue cancel <ids>` did, one line per outcome that happened. */
export function formatCancel(outcome: CancelOutcome): string[] {
  const lines = [
    `Cancelled ${plural(outcome.cancelled.length, 'job')}${outcome.cancelled.length ? `: ${outcome.cancelled.join(', ')}` : ''}.`,
  ];
  if (outcome.finished.length) lines.push(`Already finished, left as they were: ${outcome.finished.join(', ')}.`);
  if (outcome.missing.length) lines.push(`No such job: ${outcome.missing.join(', ')}.`);
  return lines;
}

/** `kue cancel`, on a command that has the queue options. */
export function defineCancel(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description(
      'Cancel jobs: waiting and delayed ones never start; a running one is aborted in the process running it.\n' +
        'A cancelled job ends failed and is not retried. Exit code 1 when an id names no job.',
    )
    .argument('[ids...]', 'the ids of the jobs to cancel', parseId)
    .option('--reason <text>', 'why: kept on the job and given to its handler')
    .option('--all', 'cancel every waiting, delayed and running job (narrowed by --state and --type)')
    .option('--state <state>', `with --all: only jobs in this state (${CANCELLABLE_STATES.join(', ')})`, parseState)
    .option('--type <type>', 'with --all: only jobs of this type')
    .option('--keep-children', "a flow's parent cancelled by id leaves its pending children running")
    .option('--json', 'print the outcome as JSON')
    .action(async (parsed: number[] | undefined, opts: CancelOptions) => {
      const ids = parsed ?? [];
      if (opts.all ? ids.length > 0 : ids.length === 0)
        throw new CliError('Name the jobs to cancel by id, or use --all (with --state and --type to narrow it).', 2);
      if (!opts.all && (opts.state || opts.type)) throw new CliError('--state and --type go with --all.', 2);
      const redis = opts.redis ?? defaults.redisUrl;
      const queue = { redis, prefix: opts.prefix };
      if (opts.all) {
        const count = await withQueue(queue, 'The jobs could not be cancelled', (q) =>
          q.admin.cancelAll(
            { ...(opts.state && { state: opts.state }), ...(opts.type && { type: opts.type }) },
            opts.reason,
          ),
        );
        out(opts.json ? JSON.stringify({ count }) : `Cancelled ${plural(count, 'job')}.`);
        return;
      }
      const outcome = await withQueue(queue, 'The jobs could not be cancelled', (q) =>
        q.admin.cancelJobs(ids, opts.reason, { children: opts.keepChildren ? 'keep' : 'cancel' }),
      );
      if (opts.json) out(JSON.stringify(outcome, null, 2));
      else formatCancel(outcome).forEach((line) => out(line));
      if (outcome.missing.length) process.exitCode = 1;
    });
}
