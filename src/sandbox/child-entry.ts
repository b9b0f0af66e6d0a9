// The program of a sandbox child, built as its own bundle (dist/sandbox-child.js): the same
// file runs as a worker thread (`parentPort`) or as a forked child process (`process.send`).
// It loads the processor file once, then runs one job at a time as the parent asks. It keeps
// no Redis connection: the parent's Kue worker takes, locks and reports every job.
import { pathToFileURL } from 'node:url';
import { parentPort, Worker as Thread } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { isThenable } from '../worker/handler.js';
import { childJob, type SandboxedProcessor } from './child-job.js';
import {
  isProtocolMessage,
  deserializeError,
  fromJson,
  serializeError,
  toJson,
  type FatalOrigin,
  type FromChild,
  type JobRead,
  type SerializedError,
  type ToChild,
} from './protocol.js';

interface Channel {
  send(message: FromChild, then?: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  return {
    send(message, then) {
      port.postMessage(message);
      then?.();
    },
    onMessage: (listener) => port.on('message', listener),
  };
}

function processChannel(): Channel {
  return {
    send(message, then) {
      // A parent that is gone cannot be told; the child exits on 'disconnect' anyway.
      if (!process.connected) return then?.();
      process.send!(message, undefined, {}, () => then?.());
    },
    onMessage: (listener) => process.on('message', listener),
  };
}

/**
 * Kills this process once its parent is gone, even while a job keeps the main thread busy
 * (a CPU-bound loop never lets 'disconnect' run): a tiny thread of its own polls the parent
 * pid and sends SIGKILL to the whole process when it changes (the child was re-parented).
 * About 10 MB; threads need none, as they die with their process.
 */
function watchParent(): void {
  const watchdog = new Thread(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 500);`,
    { eval: true, workerData: process.ppid },
  );
  watchdog.unref();
}

/** The exported handler: `export default fn`, `module.exports = fn`, or a CJS build of `export default`. */
function handlerOf(mod: unknown): SandboxedProcessor {
  const exported = (mod as { default?: unknown }).default;
  if (typeof exported === 'function') return exported as SandboxedProcessor;
  const nested = (exported as { default?: unknown } | undefined)?.default;
  if (typeof nested === 'function') return nested as SandboxedProcessor;
  const names = exported && typeof exported === 'object' ? Object.keys(exported) : Object.keys(mod as object);
  throw new TypeError(
    `it exports no function (use \`export default fn\` or \`module.exports = fn\`); its exports: ${
      names.length > 0 ? names.join(', ') : 'none'
    }`,
  );
}

/** The heap plus what JS objects hold outside it (Buffers), in MB. */
function memoryMb(): number {
  const heap = getHeapStatistics() as { used_heap_size: number; external_memory?: number };
  const external = heap.external_memory ?? process.memoryUsage().external;
  return (heap.used_heap_size + external) / 2 ** 20;
}

/** A read the run asked the parent for, waiting for its `kue:reply`. */
interface PendingRead {
  read: JobRead;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The run in progress: one at a time. */
interface CurrentRun {
  runId: number;
  controller: AbortController;
  reads: Map<number, PendingRead>;
}

function main(): void {
  if (!parentPort && !process.send) {
    console.error('dist/sandbox-child.js is started by Kue for sandboxed processors, not run directly.');
    process.exit(1);
  }
  const channel = parentPort ? threadChannel(parentPort) : processChannel();
  let handler: SandboxedProcessor | undefined;
  let current: CurrentRun | undefined;

  const fatal = (origin: FatalOrigin) => (err: unknown) => {
    // Tell the parent why before dying, so the attempt fails with the cause, not an exit code.
    channel.send({ kind: 'kue:fatal', error: serializeError(err), origin }, () => process.exit(1));
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
  if (!parentPort) {
    process.on('disconnect', () => process.exit(0));
    watchParent();
  }

  async function load(file: string): Promise<void> {
    try {
      handler = handlerOf(await import(pathToFileURL(file).href));
    } catch (err) {
      channel.send({ kind: 'kue:load-failed', error: serializeError(err) });
      return;
    }
    channel.send({ kind: 'kue:ready' });
  }

  function run(message: Extract<ToChild, { kind: 'kue:run' }>): void {
    const { runId } = message;
    const controller = new AbortController();
    const reads = new Map<number, PendingRead>();
    current = { runId, controller, reads };
    let settled = false;
    let requests = 0;
    const finish = (err: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      if (current?.runId === runId) current = undefined;
      // The parent answers only while the run lasts: a read still unanswered never will be.
      for (const pending of reads.values()) {
        pending.reject(new Error(`job ${message.id} finished before its ${pending.read}() was answered`));
      }
      reads.clear();
      let error: SerializedError | undefined;
      let resultJson: string | undefined;
      if (err != null) {
        error = serializeError(err);
      } else {
        try {
          resultJson = toJson(result);
        } catch (e) {
          error = serializeError(
            new TypeError(`job ${message.id} result cannot be stored as JSON: ${(e as Error).message}`),
          );
        }
      }
      channel.send({ kind: 'kue:done', runId, error, resultJson, memoryMb: memoryMb() });
    };
    let job;
    try {
      job = childJob(
        message,
        (m) => channel.send(m),
        (read) =>
          new Promise((resolve, reject) => {
            if (settled) {
              reject(new Error(`job ${message.id} has finished: its ${read}() can no longer be read`));
              return;
            }
            const requestId = ++requests;
            reads.set(requestId, { read, resolve, reject });
            channel.send({ kind: 'kue:request', runId, requestId, read });
          }),
      );
    } catch (err) {
      finish(err);
      return;
    }
    // As in-process: one function is `done` and carries the context, so `(job, done)` and
    // `(job, ctx, done)` handlers both work.
    const done = Object.assign((err?: unknown, result?: unknown) => finish(err ?? null, result), {
      id: message.workerId,
      signal: controller.signal,
    });
    let returned: unknown;
    try {
      returned = handler!(job, done, done);
    } catch (err) {
      finish(err ?? new Error('handler threw'));
      return;
    }
    if (isThenable(returned)) {
      returned.then(
        (value) => finish(null, value),
        (err: unknown) => finish(err ?? new Error('handler rejected')),
      );
    }
  }

  channel.onMessage((message) => {
    if (!isProtocolMessage<ToChild>(message)) return;
    switch (message.kind) {
      case 'kue:load':
        void load(message.file);
        break;
      case 'kue:run':
        run(message);
        break;
      case 'kue:abort':
        if (current?.runId === message.runId) current.controller.abort(deserializeError(message.reason));
        break;
      case 'kue:reply': {
        const pending = current?.runId === message.runId ? current.reads.get(message.requestId) : undefined;
        if (!pending) break;
        current!.reads.delete(message.requestId);
        if (message.error) pending.reject(deserializeError(message.error));
        else pending.resolve(fromJson(message.valueJson));
        break;
      }
    }
  });
}

main();
