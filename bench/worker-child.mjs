// The worker process of the process and latency scenarios (started with child_process.fork).
// argv[2] is JSON: {lib, port, concurrency, features, recordStarts, windowFile}.
// windowFile (profiling): where to write {startUs, stopUs}, the processing window on the
// clock of V8's profile timestamps, so the summary can leave start-up and idle time out.
// Protocol over IPC: child → {type:'ready'}; parent → {type:'start'}; parent → {type:'stop'};
// child → {type:'done', handled, requests, starts, cpuUs, spans}; then the child exits. `spans`:
// the spans this process exported, when the adapter's worker traces (else undefined).
import { writeFileSync } from 'node:fs';
import { installCounters, snapshot, diff } from './counters.mjs';
import { now } from './util.mjs';

installCounters();
const options = JSON.parse(process.argv[2]);
const adapter = await import(`./adapters/${options.lib}.mjs`);
const worker = await adapter.createWorker(options);

let handled = 0;
/** [add time, handler start − add time] per job, when recording starts (latency). */
const starts = [];
const onJob = options.recordStarts
  ? (data) => {
      const t = Number(data.t);
      starts.push([t, now() - t]);
      handled++;
      return data.t; // the result carries the add time to the completion event
    }
  : () => {
      handled++;
      return undefined;
    };

const micros = () => Number(process.hrtime.bigint() / 1000n);
let before;
let startUs = 0;
let cpu0;
async function onMessage(m) {
  if (m.type === 'start') {
    startUs = micros();
    cpu0 = process.cpuUsage();
    before = snapshot();
    worker.start(onJob);
  } else if (m.type === 'stop') {
    const requests = diff(before ?? snapshot(), snapshot());
    const cpu = process.cpuUsage(cpu0);
    if (options.windowFile) writeFileSync(options.windowFile, JSON.stringify({ startUs, stopUs: micros() }));
    await worker.close().catch((err) => console.error(`[child] close: ${err.message}`));
    const spans = await worker.spansExported?.();
    process.send({ type: 'done', handled, requests, starts, cpuUs: cpu.user + cpu.system, spans }, () => {
      process.disconnect();
      // Let --cpu-prof write its profile on a normal exit; force it only if something hangs.
      setTimeout(() => process.exit(0), 3_000).unref();
    });
  }
}
process.on('message', (m) => void onMessage(m));
process.send({ type: 'ready' });
