// The ceiling: redis-benchmark against the same server, so each figure can be read as a
// share of what this Redis on this machine allows.
import { spawn } from 'node:child_process';

function redisBenchmark(port, args) {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '--csv', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`redis-benchmark ${args.join(' ')} exited with ${code}`));
      const rows = {};
      for (const line of out.trim().split('\n').slice(1)) {
        const cells = line.split('","').map((c) => c.replace(/"/g, ''));
        rows[cells[0]] = {
          rps: Number(cells[1]),
          avgMs: Number(cells[2]),
          p50Ms: Number(cells[4]),
          p99Ms: Number(cells[6]),
        };
      }
      resolve(rows);
    });
  });
}

/**
 * Requests/s of SET with one connection (strictly one request in flight: the bound of a
 * sequential client), with 50 connections, and pipelined (50 × 16 in flight: commands/s
 * Redis can execute from the network); a trivial EVAL with 50 connections (script calls/s);
 * and the round-trip time of one PING on one connection.
 */
export async function ceiling(ctx) {
  const { n } = ctx.config.ceiling;
  const c1 = await redisBenchmark(ctx.port, ['-n', String(n), '-c', '1', '-t', 'ping_mbulk,set']);
  const c50 = await redisBenchmark(ctx.port, ['-n', String(n * 2), '-c', '50', '-t', 'set,zadd']);
  const pipelined = await redisBenchmark(ctx.port, ['-n', String(n * 10), '-c', '50', '-P', '16', '-t', 'set']);
  const script = await redisBenchmark(ctx.port, ['-n', String(n * 2), '-c', '50', 'eval', 'return 1', '0']);
  await ctx.stats.flushAll();
  return {
    setRps1: c1.SET.rps,
    setRps50: c50.SET.rps,
    zaddRps50: c50.ZADD.rps,
    setRpsPipelined: pipelined.SET.rps,
    evalRps50: Object.values(script)[0].rps,
    pingP50Ms: c1.PING_MBULK.p50Ms,
    pingP99Ms: c1.PING_MBULK.p99Ms,
  };
}
