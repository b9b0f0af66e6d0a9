// Client-side request counting. Patches the two Redis clients the libraries use, in the
// process that imports this module (the bench process and each worker child):
//   - ioredis (Kue and BullMQ): Redis.prototype.sendCommand, Pipeline.prototype.exec
//   - node_redis 3 (Bee-Queue's own copy): RedisClient.prototype.internal_send_command,
//     Multi.prototype.exec / exec_batch / exec_transaction
// A "request" is one command written to the socket by the client: EVALSHA is one request
// however many commands the script runs; each element of a pipeline or MULTI/EXEC
// (MULTI and EXEC included) is one request, and is also counted as "pipelined". A
// "pipeline" is one batch flushed at once. A command queued while the connection is not
// ready is counted when it is actually sent.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const counts = { requests: 0, pipelined: 0, pipelines: 0, byCommand: Object.create(null) };
let installed = false;

function count(name, pipelined) {
  counts.requests++;
  if (pipelined) counts.pipelined++;
  const key = String(name).toLowerCase();
  counts.byCommand[key] = (counts.byCommand[key] ?? 0) + 1;
}

function patchIORedis() {
  const mod = require('ioredis');
  const Redis = mod.Redis ?? mod.default ?? mod;
  const proto = Redis.prototype;
  const sendCommand = proto.sendCommand;
  proto.sendCommand = function countedSendCommand(command, stream) {
    const queued = this.offlineQueue?.length ?? 0;
    const result = sendCommand.call(this, command, stream);
    // Queued offline: ioredis sends it again through sendCommand once connected.
    if ((this.offlineQueue?.length ?? 0) > queued) return result;
    if (this.status !== 'end') count(command.name, Boolean(stream && stream.isPipeline));
    return result;
  };
  const Pipeline = require('ioredis/built/Pipeline').default;
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function countedExec(...args) {
    if (this._queue?.length) counts.pipelines++;
    return exec.apply(this, args);
  };
}

function patchNodeRedis() {
  let beeRequire;
  try {
    beeRequire = createRequire(require.resolve('bee-queue'));
  } catch {
    return; // bee-queue not installed: nothing to patch
  }
  const redisEntry = beeRequire.resolve('redis');
  const { RedisClient } = beeRequire('redis');
  const Multi = beeRequire(join(dirname(redisEntry), 'lib', 'multi.js'));
  let inBatch = 0;
  const send = RedisClient.prototype.internal_send_command;
  RedisClient.prototype.internal_send_command = function countedInternalSend(commandObj) {
    // Not ready: node_redis queues it offline and calls this again when it is sent.
    if (this.ready !== false && this.stream?.writable !== false) count(commandObj.command, inBatch > 0);
    return send.call(this, commandObj);
  };
  const wrap = (fn) =>
    function countedMultiExec(...args) {
      if (this.queue?.length) counts.pipelines++;
      inBatch++;
      try {
        return fn.apply(this, args);
      } finally {
        inBatch--;
      }
    };
  const batch = wrap(Multi.prototype.exec_batch);
  Multi.prototype.exec = Multi.prototype.EXEC = Multi.prototype.exec_batch = batch;
  Multi.prototype.exec_transaction = wrap(Multi.prototype.exec_transaction);
}

/** Installs the patches once per process. */
export function installCounters() {
  if (installed) return;
  installed = true;
  patchIORedis();
  patchNodeRedis();
}

/** A copy of the counters so far. */
export function snapshot() {
  return {
    requests: counts.requests,
    pipelined: counts.pipelined,
    pipelines: counts.pipelines,
    byCommand: { ...counts.byCommand },
  };
}

/** What happened between two snapshots. */
export function diff(before, after) {
  const byCommand = {};
  for (const [name, n] of Object.entries(after.byCommand)) {
    const d = n - (before.byCommand[name] ?? 0);
    if (d > 0) byCommand[name] = d;
  }
  return {
    requests: after.requests - before.requests,
    pipelined: after.pipelined - before.pipelined,
    pipelines: after.pipelines - before.pipelines,
    byCommand,
  };
}
