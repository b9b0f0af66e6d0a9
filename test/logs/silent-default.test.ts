// With no logger, Kue logs nothing: a process whose queue goes through everything Kue would
// log prints nothing of it (stdout and stderr).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stopAfterTest } from '../support/children.js';
import { ownRedis } from '../support/own-redis.js';
import { redisClient, uniquePrefix, waitFor } from '../support/setup.js';

const redis = ownRedis();
const script = fileURLToPath(new URL('./fixtures/quiet-queue.mjs', import.meta.url));

/** Runs the fixture through its scenario; resolves with its exit code and output. */
async function runScenario(env: Record<string, string> = {}) {
  const child = stopAfterTest(
    spawn(process.execPath, [script], {
      env: { ...process.env, KUE_REDIS_PORT: String(redis.port), KUE_PREFIX: uniquePrefix('quiet'), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  await waitFor(() => stdout.includes('ready\n') || child.exitCode !== null, 10_000, '"ready"');
  const admin = redisClient(redis.port);
  await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  await admin.client('KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
  child.stdin.end('go\n');
  return { code: await exited, stdout, stderr };
}

describe('the default logger', () => {
  it('is silent: failed attempts, slow scripts, connections killed and restored print nothing', async () => {
    const { code, stdout, stderr } = await runScenario();
    expect(code).toBe(0);
    expect(stdout).toBe('ready\ndone\n');
    expect(stderr).toBe('');
  });

  it('(the control: the same scenario with console as the logger prints each of those)', async () => {
    const { code, stdout, stderr } = await runScenario({ KUE_CONSOLE: '1' });
    expect(code).toBe(0);
    const printed = stdout + stderr;
    for (const message of ['worker started', 'attempt failed', 'job failed', 'slow script', 'Redis connection lost']) {
      expect(printed).toContain(`kue: ${message}`);
    }
  });
});
