// A process of the queue for bench/schedules.mjs: maintenance only (it fires due schedules like
// every process of a queue), no worker. On 'stop' it answers its own CPU time and exits.
import kue from '../dist/index.js';

const { port, prefix } = JSON.parse(process.argv[2]);
const queue = new kue.Queue({ prefix, redis: { port, host: '127.0.0.1' } });
queue.on('error', (err) => console.error(`schedule child: ${err.message}`));
const started = process.cpuUsage();
process.send({ type: 'ready' });
process.on('message', (m) => {
  if (m.type !== 'stop') return;
  const { user, system } = process.cpuUsage(started);
  void queue.shutdown(1_000).finally(() => {
    process.send({ type: 'stopped', cpuSeconds: (user + system) / 1e6 }, () => process.exit(0));
  });
});
