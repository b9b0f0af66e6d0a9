/**
 * Scenario 20: the dashboard (`kue dashboard`), `kue dev` and the demo listen on 127.0.0.1
 * unless a host is given, and so do the redis-servers they start. What a process listens on is
 * read from the kernel (/proc/<pid>/fd socket inodes matched in /proc/<pid>/net/tcp{,6}), not
 * from what it prints. `--host 0.0.0.0` is the control: it does bind every interface.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stopAfterTest, stopRedisAfterTest } from '../support/children.js';
import { createApp } from '../../src/index.js';
import { redisPort, testQueue, uniquePrefix } from '../support/setup.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}dist/cli.js`;
const demo = `${root}scripts/demo.mjs`;

interface Listening {
  address: string;
  port: number;
}

function ipv4(hex: string): string {
  return hex
    .match(/../g)!
    .reverse()
    .map((b) => parseInt(b, 16))
    .join('.');
}

/** /proc writes an IPv6 address as four host-order (little-endian) 32-bit words. */
function ipv6(hex: string): string {
  const bytes = hex.match(/.{8}/g)!.flatMap((word) =>
    word
      .match(/../g)!
      .reverse()
      .map((b) => parseInt(b, 16)),
  );
  if (bytes.every((b) => b === 0)) return '::';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return '::1';
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** The TCP sockets a process is listening on, as the kernel reports them. */
function listeningSockets(pid: number): Listening[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed while we looked
    }
  }
  const found: Listening[] = [];
  for (const [file, v6] of [
    ['tcp', false],
    ['tcp6', true],
  ] as const) {
    const path = `/proc/${pid}/net/${file}`;
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1]!, fields[3]!, fields[9]!];
      if (state !== '0A' || !inodes.has(inode)) continue; // 0A: LISTEN
      const [addressHex, portHex] = local.split(':');
      found.push({ address: v6 ? ipv6(addressHex!) : ipv4(addressHex!), port: parseInt(portHex!, 16) });
    }
  }
  return found;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);

/** Listens on something, and on loopback addresses only. */
function expectLoopbackOnly(pid: number, what: string, port?: number): Listening[] {
  const sockets = listeningSockets(pid);
  expect(sockets.length, `${what} listens on nothing`).toBeGreaterThan(0);
  for (const s of sockets) expect(isLoopback(s.address), `${what} listens on ${s.address}:${s.port}`).toBe(true);
  if (port !== undefined)
    expect(
      sockets.map((s) => s.port),
      what,
    ).toContain(port);
  return sockets;
}

// ---------------------------------------------------------------------------------------
// Processes started here, and only those, are stopped afterwards.
// ---------------------------------------------------------------------------------------

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kue-bind-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Proc {
  child: ChildProcess;
  pid: number;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

function start(script: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stopAfterTest(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    for (const m of out.matchAll(/(?:redis-server pid|Redis on 127\.0\.0\.1:\d+ \(pid) (\d+)/g))
      stopRedisAfterTest(Number(m[1]));
  });
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    output: () => out,
    async waitFor(pattern, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(signal) {
      child.kill(signal);
      return closed;
    },
  };
}

const pidGone = (pid: number) =>
  !existsSync(`/proc/${pid}`) || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');

// ---------------------------------------------------------------------------------------

describe('scenario 20: loopback unless a host is given', () => {
  it('kue dashboard listens on 127.0.0.1 only', async () => {
    const proc = start(cli, [
      'dashboard',
      '-p',
      '0',
      '-r',
      `redis://127.0.0.1:${redisPort}`,
      '-q',
      uniquePrefix('bind'),
    ]);
    const [, port] = await proc.waitFor(/^Kue dashboard: http:\/\/127\.0\.0\.1:(\d+)\/$/m);
    await proc.waitFor(/Ctrl-C to stop\.$/m);
    expectLoopbackOnly(proc.pid, 'kue dashboard', Number(port));
    expect(await proc.stop('SIGINT')).toBe(0);
  });

  it('kue dashboard --host 0.0.0.0 (control) listens on every interface, and warns without --auth', async () => {
    const proc = start(cli, [
      'dashboard',
      '-p',
      '0',
      '--host',
      '0.0.0.0',
      '-r',
      `redis://127.0.0.1:${redisPort}`,
      '-q',
      uniquePrefix('bind'),
    ]);
    const [, port] = await proc.waitFor(/^Kue dashboard: http:\/\/127\.0\.0\.1:(\d+)\/$/m);
    await proc.waitFor(/Ctrl-C to stop\.$/m);
    expect(listeningSockets(proc.pid)).toEqual([{ address: '0.0.0.0', port: Number(port) }]);
    expect(proc.output()).toMatch(/warning: listening on 0\.0\.0\.0 without --auth/);
    expect(await proc.stop('SIGINT')).toBe(0);
  });

  it('kue dev listens on 127.0.0.1 only, and so does the redis-server it starts', async () => {
    const cwd = tempDir();
    const proc = start(cli, ['dev', '-p', '0'], { cwd });
    const [, port] = await proc.waitFor(/^Kue dashboard: http:\/\/127\.0\.0\.1:(\d+)\/$/m, 40_000);
    const [, redisUrlPort, redisPid] = await proc.waitFor(
      /^Redis: redis:\/\/127\.0\.0\.1:(\d+) \(redis-server pid (\d+)/m,
    );
    await proc.waitFor(/Ctrl-C to stop\.$/m);
    expectLoopbackOnly(proc.pid, 'kue dev', Number(port));
    expectLoopbackOnly(Number(redisPid), 'the redis-server of kue dev', Number(redisUrlPort));
    expect(await proc.stop('SIGINT')).toBe(0);
    expect(pidGone(Number(redisPid))).toBe(true);
  });

  it('the demo (npm run demo) listens on 127.0.0.1 only, and so does its redis-server', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, KUE_DEMO_DIR: dataDir, KUE_DEMO_PORT: '0', KUE_DEMO_NO_PREPARE: '1', NO_COLOR: '1' };
    const proc = start(demo, [], { env, cwd: tempDir() });
    const [, redisPortText, redisPid] = await proc.waitFor(
      /^kue demo: Redis on 127\.0\.0\.1:(\d+) \(pid (\d+)\)/m,
      40_000,
    );
    const [, port] = await proc.waitFor(/^Dashboard: http:\/\/127\.0\.0\.1:(\d+)\/$/m);
    await proc.waitFor(/Ctrl-C to stop\.$/m);
    expectLoopbackOnly(proc.pid, 'the demo', Number(port));
    expectLoopbackOnly(Number(redisPid), 'the redis-server of the demo', Number(redisPortText));
    // Its data went to the folder given, not to the checkout's .kue/redis.
    expect(readdirSync(dataDir)).toContain('redis.log');
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(pidGone(Number(redisPid))).toBe(true);
  }, 60_000);

  describe('createApp(...).listen in process', () => {
    const servers: Server[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
    });

    const bound = async (listen: (app: ReturnType<typeof createApp>) => Server): Promise<string> => {
      const server = listen(createApp({ queue: testQueue({ maintenance: false }) }));
      servers.push(server);
      if (!server.listening) await new Promise((r) => server.once('listening', r));
      return (server.address() as AddressInfo).address;
    };

    it.each<[string, (app: ReturnType<typeof createApp>) => Server, string]>([
      ['listen(0)', (app) => app.listen(0), '127.0.0.1'],
      ['listen(0, callback)', (app) => app.listen(0, () => undefined), '127.0.0.1'],
      ['listen("0") (a port from an environment variable)', (app) => app.listen('0' as unknown as number), '127.0.0.1'],
      ['listen({port: 0})', (app) => (app.listen as unknown as (o: object) => Server)({ port: 0 }), '127.0.0.1'],
      [
        'listen({port: 0}, callback)',
        (app) => (app.listen as unknown as (o: object, cb: () => void) => Server)({ port: 0 }, () => undefined),
        '127.0.0.1',
      ],
      ['listen(0, "0.0.0.0") (control)', (app) => app.listen(0, '0.0.0.0'), '0.0.0.0'],
      [
        'listen({port: 0, host: "0.0.0.0"}) (control)',
        (app) => (app.listen as unknown as (o: object) => Server)({ port: 0, host: '0.0.0.0' }),
        '0.0.0.0',
      ],
    ])('%s binds %s', async (_name, listen, expected) => {
      const address = await bound(listen);
      expect(address).toBe(expected);
      // The kernel agrees.
      const mine = listeningSockets(process.pid).filter((s) => s.address === expected);
      expect(mine.length).toBeGreaterThan(0);
    });
  });
});
