/**
 * Scenario 19: a password (requirepass), an ACL user and TLS (rediss://) work, through every
 * connection a queue opens (commands, events, a worker's blocking one); a wrong password fails
 * fast with a ConnectionError; and no secret shows in errors, logs, process warnings, the
 * dashboard's answers or the CLI's output. Each test runs redis-servers of its own.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stopAfterTest } from '../support/children.js';
import { ConnectionError, createApp, ErrorCode, Queue, type QueueOptions } from '../../src/index.js';
import type { Logger } from '../../src/logger.js';
import { freePort, startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { nextEvent, uniquePrefix } from '../support/setup.js';

const secret = (name: string) => `${name}-${randomBytes(6).toString('hex')}`;
const ADMIN_PASSWORD = secret('admin');
const USER = 'kueuser';
const USER_PASSWORD = secret('userpw');
const WRONG = secret('wrongpw');
const DASHBOARD_PASSWORD = secret('dashpw');
const SECRETS = [ADMIN_PASSWORD, USER_PASSWORD, WRONG, DASHBOARD_PASSWORD];
/** The prefix the ACL user may touch: its keys and its channel, nothing else. */
const ACL_PREFIX = 'aclq';

/** Everything reachable from a value (causes, own properties, nested objects) contains no secret. */
function expectNoSecret(value: unknown, where: string) {
  const text =
    typeof value === 'string'
      ? value
      : inspect(value, { depth: Infinity, showHidden: false, maxArrayLength: Infinity, maxStringLength: Infinity });
  for (const s of SECRETS) expect(text.includes(s), `${where} contains a secret:\n${text.slice(0, 2_000)}`).toBe(false);
}

let secured: RedisProcess;
let tls: RedisProcess;
let tlsPort: number;
let tlsCa: Buffer;
const tlsDir = mkdtempSync(join(tmpdir(), 'kue-tls-'));
const opened: Queue[] = [];
const admins: Redis[] = [];

function open(options: QueueOptions): Queue {
  const queue = new Queue({ prefix: ACL_PREFIX, maintenance: false, ...options });
  opened.push(queue);
  return queue;
}

function admin(port: number): Redis {
  const client = new Redis({ port, password: ADMIN_PASSWORD });
  admins.push(client);
  return client;
}

beforeAll(async () => {
  secured = await startRedis({ args: ['--requirepass', ADMIN_PASSWORD] });
  // Least privilege: the queue's keys and channel only.
  await admin(secured.port).call(
    'ACL',
    'SETUSER',
    USER,
    'on',
    `>${USER_PASSWORD}`,
    `~{${ACL_PREFIX}}*`,
    `&{${ACL_PREFIX}}*`,
    '+@all',
  );

  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(tlsDir, 'key.pem'),
      '-out',
      join(tlsDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  tlsCa = readFileSync(join(tlsDir, 'cert.pem'));
  tlsPort = await freePort();
  tls = await startRedis({
    args: [
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      join(tlsDir, 'cert.pem'),
      '--tls-key-file',
      join(tlsDir, 'key.pem'),
      '--tls-auth-clients',
      'no',
      '--requirepass',
      ADMIN_PASSWORD,
    ],
  });
}, 60_000);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.shutdown(500).catch(() => undefined)));
});

afterAll(async () => {
  await Promise.all(admins.map((c) => c.quit().catch(() => undefined)));
  await secured?.stop();
  await tls?.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

/** Saves a job, has a worker of this queue run it, and checks the result: every connection works. */
async function fullRoundTrip(queue: Queue) {
  queue.on('error', (err: Error) => {
    throw err;
  });
  queue.process('ping', async (job) => ({ pong: job.data.n }));
  const job = await queue.create('ping', { n: 7 }).save();
  const [id, result] = await nextEvent(queue, 'job complete', 10_000);
  expect(id).toBe(job.id);
  expect(result).toEqual({ pong: 7 });
  expect((await queue.getJob(job.id!)).result).toEqual({ pong: 7 });
}

describe('scenario 19: credentials that are right', () => {
  it.each<[string, () => QueueOptions['redis']]>([
    ["{port, auth} (Kue's name for the password)", () => ({ port: secured.port, auth: ADMIN_PASSWORD })],
    ['{port, password}', () => ({ port: secured.port, password: ADMIN_PASSWORD })],
    ['a redis://:password@ URL', () => `redis://:${ADMIN_PASSWORD}@127.0.0.1:${secured.port}`],
  ])('requirepass: %s', async (_name, redis) => {
    await fullRoundTrip(open({ prefix: uniquePrefix('pw'), redis: redis() }));
  });

  it.each<[string, () => QueueOptions['redis']]>([
    ['{port, username, password}', () => ({ port: secured.port, username: USER, password: USER_PASSWORD })],
    [
      'a redis://user:password@ URL',
      () => `redis://${USER}:${encodeURIComponent(USER_PASSWORD)}@127.0.0.1:${secured.port}`,
    ],
    ['{url} with the user in it', () => ({ url: `redis://${USER}:${USER_PASSWORD}@127.0.0.1:${secured.port}/0` })],
  ])("an ACL user limited to the queue's keys: %s; every connection is that user", async (_name, redis) => {
    const queue = open({ redis: redis() });
    await fullRoundTrip(queue);
    const clients = String(await admin(secured.port).call('CLIENT', 'LIST'))
      .split('\n')
      .filter((l) => /\buser=kueuser\b/.test(l));
    // The command connection, the events subscriber and the worker's blocking connection.
    expect(clients.length).toBeGreaterThanOrEqual(3);
    expect(
      clients.some((l) => /\bcmd=(blpop|blmove|brpoplpush)\b/.test(l) || /\bflags=b\b/.test(l) || /\bsub=1\b/.test(l)),
    ).toBe(true);
  });

  it('the ACL user is really limited: a queue with another prefix is refused, with no secret in the error', async () => {
    const queue = open({ prefix: 'other', redis: { port: secured.port, username: USER, password: USER_PASSWORD } });
    const errors: Error[] = [];
    queue.on('error', (err: Error) => errors.push(err));
    const err = await queue
      .create('x')
      .save()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/NOPERM/);
    expectNoSecret(err, 'the refused save');
    expectNoSecret(errors, 'queue errors');
  });

  it('TLS: rediss:// with a password and the self-signed CA', async () => {
    const queue = open({
      prefix: uniquePrefix('tls'),
      redis: { url: `rediss://:${ADMIN_PASSWORD}@127.0.0.1:${tlsPort}`, options: { tls: { ca: tlsCa } } },
    });
    await fullRoundTrip(queue);
    const tlsClients = String(await admin(tls.port).call('CLIENT', 'LIST'))
      .split('\n')
      .filter((l) => l.includes(`laddr=127.0.0.1:${tlsPort}`));
    expect(tlsClients.length).toBeGreaterThanOrEqual(3);
  });

  it('TLS: a certificate the client does not trust is refused (the connection is verified)', async () => {
    const queue = open({
      prefix: uniquePrefix('tls'),
      redis: { url: `rediss://:${ADMIN_PASSWORD}@127.0.0.1:${tlsPort}` },
    });
    queue.on('error', () => undefined);
    const err = await queue
      .create('x')
      .save()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expectNoSecret(err, 'the refused save');
  });
});

describe('scenario 19: a wrong password', () => {
  it.each<[string, () => QueueOptions['redis']]>([
    ['requirepass, {port, auth}', () => ({ port: secured.port, auth: WRONG })],
    ['ACL user, wrong password', () => ({ port: secured.port, username: USER, password: WRONG })],
    [
      "ACL, unknown user with the user's password",
      () => ({ port: secured.port, username: 'nobody', password: USER_PASSWORD }),
    ],
    ['a redis://user:wrong@ URL', () => `redis://${USER}:${WRONG}@127.0.0.1:${secured.port}`],
    [
      'TLS, rediss:// with a wrong password',
      () => ({ url: `rediss://:${WRONG}@127.0.0.1:${tlsPort}`, options: { tls: { ca: tlsCa } } }),
    ],
  ])(
    '%s: save rejects with a ConnectionError, queue "error" gets one, and neither holds the secret',
    async (_name, redis) => {
      const queue = open({ prefix: uniquePrefix('wrong'), redis: redis() });
      const errors: Error[] = [];
      queue.on('error', (err: Error) => errors.push(err));
      const outcome = await Promise.race([
        queue
          .create('x', { n: 1 })
          .save()
          .then(
            () => 'saved',
            (e: unknown) => e,
          ),
        new Promise((r) => setTimeout(() => r('still pending after 15 s'), 15_000)),
      ]);
      expect(outcome).toBeInstanceOf(ConnectionError);
      const err = outcome as ConnectionError;
      expect(err.code).toBe(ErrorCode.Connection);
      expect(err.message).toMatch(/WRONGPASS|invalid username-password/);
      expectNoSecret(err, 'the rejected save');
      expectNoSecret(err.stack, 'its stack');
      await waitForErrors(errors);
      expect(errors[0]).toBeInstanceOf(ConnectionError);
      expectNoSecret(errors, 'queue "error" events');
    },
  );

  it('without an error listener: the logger and the process warning hold no secret either', async () => {
    const logged: unknown[] = [];
    const logger: Logger = {
      debug: (...args) => logged.push(['debug', ...args]),
      warn: (...args) => logged.push(['warn', ...args]),
      error: (...args) => logged.push(['error', ...args]),
    };
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const queue = open({
        prefix: uniquePrefix('log'),
        redis: { port: secured.port, username: USER, password: WRONG },
        logger,
      });
      const err = await queue
        .create('x')
        .save()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(ConnectionError);
      await waitForErrors(logged);
      expect(inspect(logged, { depth: 4 })).toMatch(/ConnectionError/);
      expectNoSecret(logged, 'the logger');
      await new Promise((r) => setImmediate(r));
      expectNoSecret(
        warnings.map((w) => `${w.name}: ${w.message}\n${w.stack}`),
        'process warnings',
      );
    } finally {
      process.off('warning', onWarning);
    }
  });
});

async function waitForErrors(list: unknown[]) {
  const end = Date.now() + 10_000;
  while (list.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(list.length, 'nothing was reported').toBeGreaterThan(0);
}

describe('scenario 19: the dashboard shows no secret', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise<void>((r) => {
            s.close(() => r());
            s.closeAllConnections();
          }),
      ),
    );
  });

  async function pages(queue: Queue): Promise<Array<[string, number, string]>> {
    const app = createApp({ queue, auth: { username: 'ops', password: DASHBOARD_PASSWORD } });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    servers.push(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const authorization = `Basic ${Buffer.from(`ops:${DASHBOARD_PASSWORD}`).toString('base64')}`;
    const out: Array<[string, number, string]> = [];
    for (const path of [
      '/',
      '/failed',
      '/stats',
      '/api/config',
      '/api/types',
      '/job/types',
      '/api/jobs',
      '/jobs/0..9',
      '/api/throughput',
      '/job/1',
    ]) {
      const res = await fetch(base + path, { headers: { authorization } });
      out.push([path, res.status, `${[...res.headers].join('\n')}\n${await res.text()}`]);
    }
    // Refused too: a 401 names no secret.
    const refused = await fetch(`${base}/stats`);
    out.push([
      '/stats without credentials',
      refused.status,
      `${[...refused.headers].join('\n')}\n${await refused.text()}`,
    ]);
    // The first message of the events stream.
    const controller = new AbortController();
    const stream = await fetch(`${base}/api/events`, { headers: { authorization }, signal: controller.signal });
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    out.push(['/api/events', stream.status, first]);
    return out;
  }

  it('connected as the ACL user: every page and JSON answer is free of the Redis and dashboard passwords', async () => {
    const queue = open({ redis: `redis://${USER}:${USER_PASSWORD}@127.0.0.1:${secured.port}` });
    queue.on('error', () => undefined);
    await queue.create('email', { to: 'x' }).save();
    const answers = await pages(queue);
    expect(answers.find(([p]) => p === '/stats')![1]).toBe(200);
    for (const [path, , text] of answers) expectNoSecret(text, path);
  });

  it('with a wrong Redis password: 503 without Redis error text or secret', async () => {
    const queue = open({
      prefix: uniquePrefix('dash'),
      redis: { port: secured.port, username: USER, password: WRONG },
    });
    queue.on('error', () => undefined);
    const answers = await pages(queue);
    const stats = answers.find(([p]) => p === '/stats')!;
    expect(stats[1]).toBe(503);
    expect(stats[2]).toContain('{"error":"Redis is unavailable","code":"CONNECTION"}');
    for (const [path, , text] of answers) {
      expectNoSecret(text, path);
      expect(text, path).not.toMatch(/WRONGPASS|NOPERM|ReplyError/);
    }
  });
});

// ---------------------------------------------------------------------------------------
// The CLI (the built dist/cli.js)
// ---------------------------------------------------------------------------------------

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

interface Cli {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  waitFor(pattern: RegExp, stream?: 'out' | 'err'): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Cli {
  const cwd = mkdtempSync(join(tmpdir(), 'kue-cli-'));
  const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  stopAfterTest(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    async waitFor(pattern, stream = 'out') {
      const end = Date.now() + 15_000;
      for (;;) {
        const match = pattern.exec(stream === 'out' ? out : err);
        if (match) return match;
        if (Date.now() > end || child.exitCode !== null)
          throw new Error(`no ${pattern}\nstdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('scenario 19: the CLI prints no secret', () => {
  it('kue dashboard -r redis://user:password@...: works, prints the URL redacted; --auth and KUE_AUTH passwords are not printed', async () => {
    const url = `redis://${USER}:${USER_PASSWORD}@127.0.0.1:${secured.port}`;
    const proc = runCli(['dashboard', '-p', '0', '-r', url, '-q', ACL_PREFIX, '--auth', `ops:${DASHBOARD_PASSWORD}`]);
    const [, dashboard] = await proc.waitFor(/^Kue dashboard: (\S+)$/m);
    await proc.waitFor(/Ctrl-C to stop\.$/m);
    expect(proc.out()).toContain(`Redis: redis://${USER}:***@127.0.0.1:${secured.port}`);
    const authorization = `Basic ${Buffer.from(`ops:${DASHBOARD_PASSWORD}`).toString('base64')}`;
    const stats = await fetch(`${dashboard}stats`, { headers: { authorization } });
    expect(stats.status).toBe(200);
    for (const path of ['', 'api/config', 'stats'])
      expectNoSecret(await (await fetch(dashboard + path, { headers: { authorization } })).text(), path);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    expectNoSecret(proc.out(), 'stdout');
    expectNoSecret(proc.err(), 'stderr');

    const fromEnv = runCli(['dashboard', '-p', '0', '-r', url, '-q', ACL_PREFIX], {
      ...process.env,
      KUE_AUTH: `ops:${DASHBOARD_PASSWORD}`,
    });
    await fromEnv.waitFor(/Ctrl-C to stop\.$/m);
    fromEnv.child.kill('SIGTERM');
    await fromEnv.exited;
    expectNoSecret(fromEnv.out() + fromEnv.err(), 'output with KUE_AUTH');
  });

  it('kue dashboard with a wrong password: says so on stderr, answers 503, prints no secret', async () => {
    const proc = runCli([
      'dashboard',
      '-p',
      '0',
      '-r',
      `redis://${USER}:${WRONG}@127.0.0.1:${secured.port}`,
      '-q',
      ACL_PREFIX,
    ]);
    const [, dashboard] = await proc.waitFor(/^Kue dashboard: (\S+)$/m);
    await proc.waitFor(/WRONGPASS|invalid username-password/, 'err');
    const stats = await fetch(`${dashboard}stats`);
    expect(stats.status).toBe(503);
    expectNoSecret(await stats.text(), '/stats');
    proc.child.kill('SIGINT');
    await proc.exited;
    expectNoSecret(proc.out(), 'stdout');
    expectNoSecret(proc.err(), 'stderr');
  });

  it.each([
    ['dashboard', `redis://${USER}:${WRONG}@127.0.0.1:6379/not-a-db`],
    ['dashboard', `redis://${USER}:${WRONG}@127.0.0.1:not-a-port`],
    ['dev', `http://${USER}:${WRONG}@127.0.0.1:6379`],
    ['dashboard', `${USER}:${WRONG}@127.0.0.1:6379`],
  ])('kue %s -r <a bad URL holding a password>: a usage error that does not echo the URL', async (command, url) => {
    const proc = runCli([command, '-p', '0', '-r', url]);
    expect(await proc.exited).toBe(2);
    expect(proc.err()).toMatch(new RegExp(`^kue ${command}: option '-r, --redis <url>' is invalid\\.`));
    expectNoSecret(proc.out(), 'stdout');
    expectNoSecret(proc.err(), 'stderr');
  });

  it('kue dev -r redis://user:password@...: prints the URL redacted', async () => {
    const proc = runCli([
      'dev',
      '-p',
      '0',
      '-r',
      `redis://${USER}:${USER_PASSWORD}@127.0.0.1:${secured.port}`,
      '-q',
      ACL_PREFIX,
    ]);
    await proc.waitFor(/Ctrl-C to stop\.$/m);
    expect(proc.out()).toContain(`Redis: redis://${USER}:***@127.0.0.1:${secured.port}`);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    expectNoSecret(proc.out() + proc.err(), 'kue dev output');
  });
});
