// Starts and stops a real Redis Sentinel set on loopback for the tests: one master, replicas
// of it, and sentinels watching it under the name "mymaster" (each a process of its own,
// started by redis-server.mjs). Only processes started here are ever stopped.
import { replicationReady } from './redis-cluster.mjs';
import { startRedis } from './redis-server.mjs';

export const MASTER_NAME = 'mymaster';

/** Starts one sentinel watching the master; resolves the launcher's handle on it. */
function startSentinel(masterPort, { quorum, downAfter, failoverTimeout }) {
  const config = [
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} ${quorum}`,
    `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfter}`,
    `sentinel failover-timeout ${MASTER_NAME} ${failoverTimeout}`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
  ];
  return startRedis({ config, args: ['--sentinel'] });
}

/**
 * Starts a master, `replicas` replicas (default 1) and `sentinels` sentinels (default 3,
 * quorum 2); `args` are further redis-server arguments for the master and the replicas.
 * Resolves {master, replicas, sentinels, nodes, stop()} once every sentinel sees the
 * replicas and the other sentinels, so a failover can start at once.
 */
export async function startSentinelSet({
  replicas = 1,
  sentinels = 3,
  downAfter = 1_000,
  failoverTimeout = 5_000,
  args = [],
} = {}) {
  const started = [];
  const stop = () => Promise.all(started.map((p) => p.stop()));
  try {
    // A replica that never finished its first sync would not be promoted.
    args = ['--repl-diskless-sync-delay', '0', ...args];
    const master = await startRedis({ args });
    started.push(master);
    const replicaServers = [];
    for (let i = 0; i < replicas; i++) {
      const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port), ...args] });
      started.push(replica);
      replicaServers.push(replica);
    }
    const sentinelProcesses = [];
    const quorum = Math.floor(sentinels / 2) + 1;
    for (let i = 0; i < sentinels; i++) {
      const sentinel = await startSentinel(master.port, { quorum, downAfter, failoverTimeout });
      started.push(sentinel);
      sentinelProcesses.push(sentinel);
    }
    const { Redis } = await import('ioredis');
    const deadline = Date.now() + 30_000;
    while (!replicaServers.every((r) => replicationReady(r.port))) {
      if (Date.now() > deadline) throw new Error('the replicas did not finish their first sync within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const s of sentinelProcesses) {
      const client = new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true });
      try {
        await client.connect();
        for (;;) {
          const info = await client.call('SENTINEL', 'MASTER', MASTER_NAME);
          const fields = Object.fromEntries(pairs(info));
          if (Number(fields['num-slaves']) >= replicas && Number(fields['num-other-sentinels']) >= sentinels - 1) break;
          if (Date.now() > deadline) throw new Error('the sentinels did not discover the set within 30 s');
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        client.disconnect();
      }
    }
    return {
      master: Object.assign(master, { args }),
      replicas: replicaServers,
      sentinels: sentinelProcesses,
      nodes: sentinelProcesses.map((s) => ({ host: '127.0.0.1', port: s.port })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
