// The built CLI (dist/cli.js) logs through pino: JSON lines on stderr at the --log-level
// asked for, each with the queue's prefix; a level pino does not know is a usage error.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stopAfterTest } from '../support/children.js';
import { ownRedis } from '../support/own-redis.js';
import { redisClient, uniquePrefix, waitFor } from '../support/setup.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const src = fileURLToPath(new URL('../../src/', import.meta.url));
// A server of the file's own: its clients are killed.
const redis = ownRedis();

const dashboard = (prefix: string) => ['dashboard', '-p', '0', '-r', `redis://127.0.0.1:${redis.port}`, '-q', prefix];

function startCli(args: string[]) {
  const child = stopAfterTest(spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, output, exited };
}

/** Every line of `text`, each parsed as JSON (a line that is not JSON fails the test). */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the CLI log', () => {
  it('kue dashboard --log-level debug prints JSON lines on stderr, each with the queue prefix', async () => {
    const prefix = uniquePrefix('cli-log');
    const { child, output, exited } = startCli([...dashboard(prefix), '--log-level', 'debug']);
    const ready = () => jsonLines(output.stderr).filter((l) => l.msg === 'kue: Redis connection ready');
    await waitFor(() => ready().length >= 2, 10_000, 'the connections to be ready');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    for (const line of jsonLines(output.stderr)) {
      expect(line).toMatchObject({ queue: prefix, name: 'kue', level: expect.any(Number), msg: expect.any(String) });
    }
    // pino's numbers: 20 is debug.
    expect(
      ready()
        .map((l) => [l.level, l.role])
        .sort(),
    ).toEqual([
      [20, 'command'],
      [20, 'subscriber'],
    ]);
    // stdout keeps the lines meant for people.
    expect(output.stdout).toMatch(/^Kue dashboard: http/m);
  });

  it('at the default level (info) a clean run prints nothing on stderr; connections killed print warn and info lines', async () => {
    const prefix = uniquePrefix('cli-log');
    const { child, output, exited } = startCli(dashboard(prefix));
    await waitFor(() => output.stdout.includes('Ctrl-C to stop'), 10_000, 'the dashboard');
    // Both connections in use (killed while connecting, they would log other lines): the API
    // answers through the command connection, and the subscriber has subscribed.
    const url = /^Kue dashboard: (\S+)$/m.exec(output.stdout)![1]!;
    expect((await fetch(`${url}stats`)).status).toBe(200);
    const admin = redisClient(redis.port);
    await waitFor(async () => / sub=[1-9]/.test((await admin.client('LIST')) as string), 5_000, 'the subscriber');
    expect(output.stderr).toBe('');

    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await admin.client('KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
    const restored = () => jsonLines(output.stderr).filter((l) => l.msg === 'kue: Redis connection restored');
    await waitFor(() => restored().length >= 2, 10_000, 'the connections to be restored');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const lines = jsonLines(output.stderr);
    expect(lines.filter((l) => l.msg === 'kue: Redis connection lost, reconnecting').map((l) => l.level)).toEqual([
      40, 40,
    ]);
    expect(restored().map((l) => l.level)).toEqual([30, 30]);
    expect(lines.every((l) => (l.level as number) >= 30 && l.queue === prefix)).toBe(true);
  });

  it('a log level pino does not know exits 2 with one clear line naming the levels', async () => {
    for (const command of ['dashboard', 'dev']) {
      const { output, exited } = startCli([command, '--log-level', 'loud']);
      expect(await exited).toBe(2);
      expect(output.stderr).toBe(
        `kue ${command}: option '--log-level <level>' argument 'loud' is invalid. The log level must be one of fatal, error, warn, info, debug, trace, silent. See 'kue ${command} --help'.\n`,
      );
    }
  });

  it('pino is imported by src/cli only: the library takes whatever logger it is given', () => {
    const importers = (readdirSync(src, { recursive: true }) as string[])
      .filter((file) => /\.ts$/.test(file))
      .filter((file) => /from ['"]pino['"]/.test(readFileSync(`${src}${file}`, 'utf8')))
      .map((file) => file.split('\\').join('/'));
    expect(importers).toEqual(['cli/log.ts']);
  });
});
