// Starts and stops a real Redis Cluster on loopback for the tests: masters with replicas,
// each a redis-server process of its own (started by redis-server.mjs) with its cluster bus
// on a free port, joined by `redis-cli --cluster create`. Only processes started here are
// ever stopped.
import { spawnSync } from 'node:child_process';
import { freePort, startRedis } from './redis-server.mjs';

function redisCli(port, args) {
  return spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
}

/** Fields of `CLUSTER INFO` on one node, or null when it does not answer. */
export function clusterInfo(port) {
  const reply = redisCli(port, ['cluster', 'info']);
  if (reply.status !== 0) return null;
  return Object.fromEntries(
    reply.stdout
      .split(/\r?\n/)
      .filter(Boolean)
      .map((line) => line.split(':')),
  );
}

/** Whether a node is a master, or a replica whose link to its master is up (first sync done). */
export function replicationReady(port) {
  const reply = redisCli(port, ['info', 'replication']);
  if (reply.status !== 0) return false;
  return /^role:master/m.test(reply.stdout) || /^master_link_status:up/m.test(reply.stdout);
}

/**
 * Starts a cluster of `masters` masters with `replicas` replicas each (default 3 and 1: six
 * processes); `args` are further redis-server arguments for every node. Resolves {nodes:
 * [{host, port}], servers (each with its `args`), stop()} once every node reports
 * cluster_state:ok and every replica has finished its first sync.
 */
export async function startCluster({ masters = 3, replicas = 1, nodeTimeout = 2_000, args = [] } = {}) {
  const servers = [];
  const stop = () => Promise.all(servers.map((s) => s.stop()));
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const busPort = await freePort();
      const nodeArgs = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-port',
        String(busPort),
        '--cluster-node-timeout',
        String(nodeTimeout),
        // A replica that never finished its first sync would not stand in for its master.
        '--repl-diskless-sync-delay',
        '0',
        ...args,
      ];
      // The arguments stay with the server, so a test can start a killed node again.
      servers.push(Object.assign(await startRedis({ args: nodeArgs }), { args: nodeArgs }));
    }
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const deadline = Date.now() + 30_000;
    while (!servers.every((s) => clusterInfo(s.port)?.cluster_state === 'ok' && replicationReady(s.port))) {
      if (Date.now() > deadline)
        throw new Error('the cluster did not reach cluster_state:ok with every replica in sync within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), servers, stop };
}
