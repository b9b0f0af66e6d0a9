// The built CLI (dist/cli.js) logs through pino: JSON lines on stderr at the --log-level
// asked for, each with the queue's prefix; a level pino does not know is a usage error.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stopAfterTest } from '../support/children.js';
import { redisPort, uniquePrefix, waitFor } from '../support/setup.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const src = fileURLToPath(new URL('../../src/', import.meta.url));

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
    const args = ['dashboard', '-p', '0', '-r', `redis://127.0.0.1:${redisPort}`, '-q', prefix];
    const { child, output, exited } = startCli([...args, '--log-level', 'debug']);
    await waitFor(
      () => output.stderr.includes('connection ready') && output.stderr.includes('dashboard listening'),
      10_000,
      'the log lines',
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const lines = jsonLines(output.stderr);
    for (const line of lines) expect(line).toMatchObject({ queue: prefix, name: 'kue', level: expect.any(Number) });
    // pino's numbers: 20 debug, 30 info.
    expect(lines.find((l) => l.msg === 'kue: Redis connection ready')).toMatchObject({ level: 20, role: 'command' });
    expect(lines.find((l) => l.msg === 'kue: dashboard listening')).toMatchObject({
      level: 30,
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
    });
    // stdout keeps the lines meant for people.
    expect(output.stdout).toMatch(/^Kue dashboard: http/m);
  });

  it('at the default level (info) it leaves debug entries out', async () => {
    const prefix = uniquePrefix('cli-log');
    const { child, output, exited } = startCli([
      'dashboard',
      '-p',
      '0',
      '-r',
      `redis://127.0.0.1:${redisPort}`,
      '-q',
      prefix,
    ]);
    await waitFor(() => output.stderr.includes('dashboard listening'), 10_000, 'the listening line');
    child.kill('SIGTERM');
    await exited;
    expect(jsonLines(output.stderr).map((l) => l.level)).toEqual([30]);
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
