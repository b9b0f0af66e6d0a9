// `npm test`: installs what the suite needs (npm packages; redis-server; Debian's chromium
// for the dashboard's browser tests), runs the linter and the formatter's check, builds the
// package (child-process tests load dist/, browser tests dist/ui, and the redis-server
// launcher is loaded from it), starts a private redis-server on a free loopback port, runs
// vitest, prints "N passed, M failed" and stops what it started.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status === 0;
const CHROMIUM = process.env.KUE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The dashboard's tests drive a real browser. Installs Debian's chromium with apt-get when
 * it is missing and we are root; otherwise says so (those tests are then skipped, saying why).
 */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    console.log(
      `${CHROMIUM} is missing: the dashboard's browser tests will be skipped. ` +
        'Install it (Debian/Ubuntu: sudo apt-get install chromium) or set KUE_TEST_CHROMIUM to a Chromium binary.',
    );
    return;
  }
  console.log("chromium is missing: installing it with apt-get (for the dashboard's browser tests)...");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM))
    console.log(`chromium could not be installed: the dashboard's browser tests will be skipped.`);
}

if (!existsSync(`${root}node_modules/.bin/vitest`)) {
  console.log('Installing npm packages...');
  if (!run('npm', existsSync(`${root}package-lock.json`) ? ['ci'] : ['install'])) process.exit(1);
}
// The linter and the formatter's check come first: a lint error fails the run like a test.
if (!run('npm', ['run', '--silent', 'lint'])) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (!run('npm', ['run', '--silent', 'build'])) process.exit(1);
const { ensureRedisServer, startRedis } = await import('./redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
ensureChromium();

const redis = await startRedis();
const resultsFile = `${root}.test-results.json`;
rmSync(resultsFile, { force: true });
const vitestArgs = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${resultsFile}`,
  ...process.argv.slice(2),
];
const child = spawn('npx', vitestArgs, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KUE_TEST_REDIS_PORT: String(redis.port) },
});
const stopAll = () => child.kill('SIGINT');
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
await redis.stop();

let passed = 0;
let failed = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
