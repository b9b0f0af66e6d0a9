// The BUILT `kue` executable (dist/cli.js) in real processes: help and usage errors, the
// dashboard on the test Redis, `kue dev` with a redis-server of its own, `kue-dashboard`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, stopAfterTest, stopRedisAfterTest } from '../support/children.js';
import { Queue } from '../../src/index.js';
import { keysOf, redisClient, redisPort, testQueue, uniquePrefix } from '../support/setup.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const testRedisUrl = `redis://127.0.0.1:${redisPort}`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Started {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves the first match of `pattern` in stdout, waiting for it. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Settles when the process exits. */
  exited: Promise<Run>;
}

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kue-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** Starts `node <script> ...args`; the script is dist/cli.js unless another path (a symlink) is given. */
function start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string } = {}): Started {
  const child = spawn(process.execPath, [options.script ?? cli, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stopAfterTest(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    const pid = /redis-server pid (\d+)/.exec(stdout);
    if (pid) stopRedisAfterTest(Number(pid[1]));
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<Run>((resolve) => {
    child.once('exit', (code, signal) => {
      // Output may still be in the pipes when 'exit' fires: 'close' comes after it.
      child.once('close', () => resolve({ code, signal, stdout, stderr }));
      for (const w of waiters) w();
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs a command to its end. */
function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string } = {}): Promise<Run> {
  return start(args, options).exited;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until a long-running command has printed everything it prints on start; resolves the dashboard URL. */
async function ready(proc: Started): Promise<string> {
  await proc.waitFor(/Ctrl-C to stop\.$/m);
  return (await proc.waitFor(/^Kue dashboard: (http:\/\/\S+)$/m))[1]!;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function removeKeys(prefix: string): Promise<void> {
  const redis = redisClient();
  const keys = await keysOf(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('kue CLI: help and usage errors', () => {
  it('--help of kue, dashboard and dev exit 0 and list the commands and options', async () => {
    const [main, dashboard, dev, version] = await Promise.all([
      run(['--help']),
      run(['dashboard', '--help']),
      run(['dev', '--help']),
      run(['--version']),
    ]);
    for (const r of [main, dashboard, dev, version])
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(main.stdout).toMatch(/Usage: kue \[options\] \[command\]/);
    expect(main.stdout).toMatch(/dashboard \[options\]/);
    expect(main.stdout).toMatch(/dev \[options\]/);
    for (const flag of [
      '-p, --port <port>',
      '-r, --redis <url>',
      '-q, --prefix <prefix>',
      '--auth <user:password>',
      '--read-only',
      '--title <title>',
      '--no-metrics',
    ]) {
      expect(dashboard.stdout).toContain(flag);
      expect(dev.stdout).toContain(flag);
    }
    expect(dashboard.stdout).toContain('--host <host>');
    expect(dashboard.stdout).toMatch(/Usage: kue dashboard \[options\]/);
    expect(dev.stdout).toMatch(/Usage: kue dev \[options\]/);
    expect(dev.stdout).toContain('.kue/redis');
    expect(version.stdout.trim()).toBe(packageVersion);

    // No command at all: the help, on stderr, as a usage error.
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: kue \[options\] \[command\]/);
  });

  it('unknown commands, unknown options and bad values exit 2 with one clear line on stderr', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['nope'], /^kue: unknown command 'nope'/],
      [['dashboard', '--nope'], /^kue dashboard: unknown option '--nope'/],
      [
        ['dashboard', '-p', 'abc'],
        /^kue dashboard: option '-p, --port <port>' argument 'abc' is invalid\. The port must be a whole number from 0 to 65535/,
      ],
      [['dev', '--port', '65536'], /^kue dev: option '-p, --port <port>' argument '65536' is invalid/],
      [['dashboard', '-r', 'http://127.0.0.1:6379'], /^kue dashboard: .*Expected a redis:\/\/ or rediss:\/\/ URL/],
      [
        ['dashboard', '--auth', 'no-colon-secret'],
        /^kue dashboard: option '--auth <user:password>' is invalid\. Expected user:password/,
      ],
      [['dev', '-q', ''], /^kue dev: .*The prefix must be a non-empty string, got "" \(string\)\. /],
      [['dashboard', 'extra'], /^kue dashboard: too many arguments/],
    ];
    const runs = await Promise.all(cases.map(([args]) => run(args)));
    runs.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/See 'kue( dashboard| dev)? --help'\.\n$/);
    });
    // The value of a bad --auth may be a password: it is not printed.
    expect(runs[5]!.stderr).not.toContain('no-colon-secret');
  });

  it('kue dev without redis-server on PATH says what to install and exits 1, creating nothing', async () => {
    const cwd = tempDir();
    const binDir = tempDir();
    symlinkSync(process.execPath, join(binDir, 'node'));
    const r = await run(['dev', '-p', '0'], { cwd, env: { ...process.env, PATH: binDir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kue: redis-server was not found on PATH\. Install it \(Debian\/Ubuntu: apt-get install redis-server.*\) or pass -r redis:\/\/host:port/,
    );
    expect(existsSync(join(cwd, '.kue'))).toBe(false);
  });
});

describe('kue dashboard', () => {
  it('serves the queue at the printed URL; SIGINT closes it and exits 0', async () => {
    const prefix = uniquePrefix('cli');
    try {
      const queue = testQueue({ prefix });
      await queue.create('email', { to: 'tj' }).save();
      const proc = start(['dashboard', '-p', '0', '-r', testRedisUrl, '-q', prefix]);
      const url = await ready(proc);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(proc.stdout).toContain(`Redis: ${testRedisUrl}, queue prefix "${prefix}"`);
      const stats = await getJson(`${url}stats`);
      expect(stats).toEqual({ status: 200, body: expect.objectContaining({ inactiveCount: 1, activeCount: 0 }) });

      proc.child.kill('SIGINT');
      const end = await proc.exited;
      expect({ code: end.code, stderr: end.stderr }).toEqual({ code: 0, stderr: '' });
      expect(end.stdout).toMatch(/Stopped\.\n$/);
      expect(await accepts(Number(new URL(url).port))).toBe(false);
    } finally {
      await removeKeys(prefix);
    }
  });

  it('--auth, --read-only and --title reach the app; a taken port is a clear error (exit 1)', async () => {
    const prefix = uniquePrefix('cli');
    const proc = start([
      'dashboard',
      '-p',
      '0',
      '-r',
      testRedisUrl,
      '-q',
      prefix,
      '--auth',
      'admin:s3:cret',
      '--read-only',
      '--title',
      'Ops queue',
    ]);
    const url = await ready(proc);
    expect(proc.stdout).toContain(`queue prefix "${prefix}", read-only, basic auth as "admin"`);
    const authorization = `Basic ${Buffer.from('admin:s3:cret').toString('base64')}`;
    expect((await getJson(`${url}stats`)).status).toBe(401);
    expect((await getJson(`${url}stats`, { headers: { authorization } })).status).toBe(200);
    const write = await getJson(`${url}job/1`, { method: 'DELETE', headers: { authorization } });
    expect(write).toEqual({ status: 403, body: { error: 'this dashboard is read-only' } });
    const home = await fetch(url, { headers: { authorization } });
    expect(await home.text()).toContain('<title>Ops queue</title>');

    // The same port again: taken.
    const port = new URL(url).port;
    const second = await run(['dashboard', '-p', port, '-r', testRedisUrl, '-q', prefix]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `kue: Port ${port} is already in use on 127.0.0.1: choose another with -p <port> (-p 0 picks any free port).\n`,
    );

    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  it('serves GET /metrics unless --no-metrics', async () => {
    const prefix = uniquePrefix('cli');
    const served = start(['dashboard', '-p', '0', '-r', testRedisUrl, '-q', prefix]);
    const res = await fetch(`${await ready(served)}metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE kue_jobs_completed_total counter');
    served.child.kill('SIGTERM');
    expect((await served.exited).code).toBe(0);

    const off = start(['dashboard', '-p', '0', '-r', testRedisUrl, '-q', prefix, '--no-metrics']);
    const url = await ready(off);
    expect(off.stdout).toContain(`queue prefix "${prefix}", no /metrics`);
    expect((await getJson(`${url}metrics`)).status).toBe(404);
    off.child.kill('SIGTERM');
    expect((await off.exited).code).toBe(0);
  });

  it('run as kue-dashboard (the bin name npm links), it is the dashboard command', async () => {
    const prefix = uniquePrefix('cli');
    const binDir = tempDir();
    const link = join(binDir, 'kue-dashboard');
    symlinkSync(cli, link);
    const help = await run(['--help'], { script: link });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kue-dashboard \[options\]/);
    expect(help.stdout).toContain('-q, --prefix <prefix>');

    const proc = start(['-p', '0', '-r', testRedisUrl, '-q', prefix], { script: link });
    const url = await ready(proc);
    expect(await getJson(`${url}stats`)).toEqual({ status: 200, body: expect.objectContaining({ inactiveCount: 0 }) });
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(0);

    const bad = await run(['--nope'], { script: link });
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({
      code: 2,
      stderr: "kue-dashboard: unknown option '--nope'. See 'kue-dashboard --help'.\n",
    });
  });
});

describe('kue dev', () => {
  it('starts its own redis-server (data in .kue/redis) and the dashboard; SIGINT stops both and exits 0', async () => {
    const cwd = tempDir();
    const proc = start(['dev', '-p', '0'], { cwd });
    const url = await ready(proc);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const [, redisUrl, redisPid] = await proc.waitFor(
      /^Redis: (redis:\/\/127\.0\.0\.1:\d+) \(redis-server pid (\d+), data in \.kue\/redis\)$/m,
    );
    const redisPort = Number(new URL(redisUrl!).port);
    expect(existsSync(join(cwd, '.kue', 'redis', 'appendonlydir'))).toBe(true);

    // A job saved through the printed Redis URL shows in the printed dashboard.
    const queue = new Queue({ redis: redisUrl, prefix: 'q' });
    queue.on('error', () => undefined);
    try {
      await queue.create('email', { to: 'tj' }).save();
      await queue.create('email', { to: 'ada' }).delay(60_000).save();
    } finally {
      await queue.shutdown(1_000);
    }
    const stats = await getJson(`${url}stats`);
    expect(stats).toEqual({ status: 200, body: expect.objectContaining({ inactiveCount: 1, delayedCount: 1 }) });

    // A second kue dev on the same folder would share the data files: refused.
    const second = await run(['dev', '-p', '0'], { cwd });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^kue: Another kue dev \(pid \d+\) is using \.kue\/redis/);

    proc.child.kill('SIGINT');
    const end = await proc.exited;
    expect({ code: end.code, stderr: end.stderr }).toEqual({ code: 0, stderr: '' });
    expect(end.stdout).toContain(`redis-server (pid ${redisPid}) stopped; the data stays in .kue/redis.`);
    expect(await accepts(redisPort)).toBe(false);
    expect(isAlive(Number(redisPid))).toBe(false);
    expect(await accepts(Number(new URL(url).port))).toBe(false);

    // The data stays: the next kue dev finds the jobs again (appendonly).
    const again = start(['dev', '-p', '0'], { cwd });
    const url2 = await ready(again);
    expect((await getJson(`${url2}stats`)).body).toEqual(
      expect.objectContaining({ inactiveCount: 1, delayedCount: 1 }),
    );
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('with -r it uses that Redis and starts no redis-server', async () => {
    const cwd = tempDir();
    const prefix = uniquePrefix('cli');
    const proc = start(['dev', '-p', '0', '-r', testRedisUrl, '-q', prefix], { cwd });
    const url = await ready(proc);
    expect(proc.stdout).toMatch(new RegExp(`^Redis: ${testRedisUrl}$`, 'm'));
    expect((await getJson(`${url}stats`)).status).toBe(200);
    expect(existsSync(join(cwd, '.kue'))).toBe(false);
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(0);
  });

  it('a port given with -p that is taken is an error, not silently replaced', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const r = await run(['dev', '-p', String(port), '-r', testRedisUrl]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Port ${port} is already in use`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('kue check', () => {
  it('reports a consistent queue with its counts and exits 0; damage is listed and exits 1', async () => {
    const queue = testQueue();
    await queue.create('mail', { to: 'a' }).save();
    await queue.create('mail', { to: 'b' }).delay(60_000).save();
    const args = ['check', '-r', testRedisUrl, '-q', queue.prefix];

    const clean = await run(args);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(
      `Queue "${queue.prefix}" on ${testRedisUrl}: 2 jobs (inactive 1, delayed 1, active 0, complete 0, failed 0, waiting 0)`,
    );
    expect(clean.stdout).toContain('No inconsistencies found.');

    const redis = redisClient();
    await redis.zrem(`{${queue.prefix}}:type:mail:inactive`, '01|1');
    const damaged = await run(args);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(
      new RegExp(
        `1 inconsistency found:\\n  missing-from-index  job 1 is missing from \\{${queue.prefix}\\}:type:mail:inactive\\n`,
      ),
    );

    const json = await run([...args, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { jobs: number; findings: Array<{ code: string; id: number }> };
    expect(report.jobs).toBe(2);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'missing-from-index', id: 1 })]);
  });

  it('an unreachable Redis is one clear line on stderr and exit code 1', async () => {
    const result = await run(['check', '-r', 'redis://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'kue: The check could not finish: redis connection error: connect ECONNREFUSED 127.0.0.1:1\n',
    );
  });
});

describe('kue schedules', () => {
  it('lists each schedule with its rule in words, next due time, last run and status', async () => {
    const queue = testQueue({ maintenance: false });
    const args = ['schedules', '-r', testRedisUrl, '-q', queue.prefix];
    expect((await run(args)).stdout).toBe(`Queue "${queue.prefix}" on ${testRedisUrl}: no schedules.\n`);
    await queue.schedule('nightly-report', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report'));
    await queue.schedule('heartbeat', { every: 30_000 }, queue.create('ping'));
    await queue.pauseSchedule('heartbeat');
    const made = await queue.runNow('nightly-report');
    const { next } = await queue.getSchedule('nightly-report');
    const listed = await run(args);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Queue "${queue.prefix}" on ${testRedisUrl}: 2 schedules.`);
    expect(lines[1]).toMatch(/^ID +RULE +NEXT +LAST RUN +RUNS +STATUS$/);
    expect(lines[2]).toContain('nightly-report  At 03:00, Europe/Berlin');
    expect(lines[2]).toContain(`${next!.toISOString().slice(0, 19).replace('T', ' ')}Z`);
    expect(lines[2]).toContain(`job ${made.jobId} inactive`);
    expect(lines[2]).toMatch(/active$/);
    expect(lines[3]).toMatch(/^heartbeat +every 30 seconds +- +- +0 +paused$/);
    const json = JSON.parse((await run([...args, '--json'])).stdout) as Array<{ id: string }>;
    expect(json.map((s) => s.id)).toEqual(['nightly-report', 'heartbeat']);
  });
});
