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
  return Object.fromEntries(reply.stdout.split(/\r?\n/).filter(Boolean).map((line) => line.split(':')));
}

/**
 * Starts a cluster of `masters` masters with `replicas` replicas each (default 3 and 1: six
 * processes). Resolves {nodes: [{host, port}], servers, stop()} once every node reports
 * cluster_state:ok.
 */
export async function startCluster({ masters = 3, replicas = 1, nodeTimeout = 2_000 } = {}) {
  const servers = [];
  const stop = () => Promise.all(servers.map((s) => s.stop()));
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const busPort = await freePort();
      servers.push(await startRedis({
        args: [
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
          '--cluster-port', String(busPort), '--cluster-node-timeout', String(nodeTimeout),
        ],
      }));
    }
    const create = spawnSync('redis-cli', [
      '--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas', String(replicas), '--cluster-yes',
    ], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const deadline = Date.now() + 30_000;
    while (!servers.every((s) => clusterInfo(s.port)?.cluster_state === 'ok')) {
      if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), servers, stop };
}
