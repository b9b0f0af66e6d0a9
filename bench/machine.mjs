// What the bench ran on and against.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';

const require = createRequire(import.meta.url);
const out = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
};

export function machine() {
  const lscpu = out('lscpu', []);
  const model = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1] ?? cpus()[0]?.model ?? '?';
  const mem = /^Mem:\s+(\S+)/m.exec(out('free', ['-h']))?.[1] ?? '?';
  const version = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return '?';
    }
  };
  return {
    nproc: Number(out('nproc', [])) || availableParallelism(),
    cpuModel: model,
    memory: mem,
    node: process.version,
    redis: /v=(\S+)/.exec(out('redis-server', ['--version']))?.[1] ?? '?',
    ioredis: version('ioredis'),
    bullmq: version('bullmq'),
    beeQueue: version('bee-queue'),
    gitHead: out('git', ['rev-parse', '--short', 'HEAD']),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** Fingerprint of the built Kue the bench loads, to notice a rebuild during a run. */
export function distFingerprint() {
  const file = new URL('../dist/index.js', import.meta.url);
  try {
    return {
      sha1: createHash('sha1').update(readFileSync(file)).digest('hex').slice(0, 12),
      mtime: statSync(file).mtime.toISOString(),
    };
  } catch {
    return null;
  }
}
