// The commands, their options and what they print. Usage errors (unknown command or option,
// bad value) print one line on stderr and exit with code 2; see main.ts.
import { Command, Option } from 'commander';
import { defaults } from '../defaults.js';
import { version } from '../version.js';
import { startDashboard, type Dashboard, type DashboardOptions } from './dashboard.js';
import { formatReport, runCheck } from './check.js';
import { defineSchedules } from './schedules.js';
import { defineGroups, defineLimit, defineLimits } from './limits.js';
import { defineCancel } from './cancel.js';
import { defineFlowTree } from './flow-tree.js';
import { defineEvents } from './events.js';
import { DATA_DIR, startDev, type Dev } from './dev.js';
import { formatMigration, formatProgress, runMigrate } from './migrate.js';
import {
  parseAuth,
  parseBackoff,
  parseCount,
  parseHost,
  parseLogLevel,
  parsePort,
  parsePrefix,
  parseRedisUrl,
  parseTraceUrl,
} from './options.js';
import { cliLogger, DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from './log.js';
import { killStartedRedisNow, stopStartedRedis } from './redis-process.js';
import { isStopping, stopOnSignals } from './signals.js';
import { isLoopback, redactRedisUrl } from './urls.js';

interface CommonOptions {
  port?: number;
  redis?: string;
  prefix: string;
  auth?: { username: string; password: string };
  readOnly?: boolean;
  title?: string;
  /** false with --no-metrics. */
  metrics?: boolean;
  traceUrl?: string;
  logLevel: LogLevel;
}
interface DashboardCommandOptions extends CommonOptions {
  host: string;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** "kue dashboard", "kue-dashboard": how messages name the command. */
function commandPath(cmd: Command): string {
  return cmd.parent ? `${commandPath(cmd.parent)} ${cmd.name()}` : cmd.name();
}

/**
 * Usage errors on one line, naming the command and where its help is. The value of a bad
 * --auth or --redis is not echoed back: it may be or hold a password.
 */
function configureErrors(cmd: Command): Command {
  return cmd.exitOverride().configureOutput({
    outputError: (text, write) => {
      const path = commandPath(cmd);
      const message = text
        .trim()
        .replace(/^error: /, '')
        .replace(
          /^option '(--auth [^']*|-r, --redis [^']*)' (?:argument|value) '.*?'( from env '\w+')? is invalid\./s,
          "option '$1'$2 is invalid.",
        )
        .replace(/\s*\n\s*/g, ' ');
      const sentence = /[.!?)]$/.test(message) ? message : `${message}.`;
      write(`${path}: ${sentence} See '${path} --help'.\n`);
    },
  });
}

/** Queue errors on stderr; the same error repeated within 10 s is said once. */
function errorReporter(name: string): (error: Error) => void {
  let last = '';
  let lastAt = 0;
  return (error) => {
    const line = `${name}: ${error.message}`;
    if (line === last && Date.now() - lastAt < 10_000) return;
    last = line;
    lastAt = Date.now();
    err(line);
  };
}

/** Where the queue is: the options of every command. */
function addQueueOptions(cmd: Command): Command {
  return cmd
    .option('-r, --redis <url>', `Redis URL, redis:// or rediss:// (default: ${defaults.redisUrl})`, parseRedisUrl)
    .option(
      '-q, --prefix <prefix>',
      "the queue's prefix: the name its Redis keys start with",
      parsePrefix,
      defaults.prefix,
    );
}

/** The options `kue dashboard` and `kue dev` share. */
function addCommonOptions(cmd: Command, portHelp: string): Command {
  return addQueueOptions(cmd.option('-p, --port <port>', portHelp, parsePort))
    .addOption(
      new Option('--auth <user:password>', 'require HTTP basic auth with this user and password')
        .env('KUE_AUTH')
        .argParser(parseAuth),
    )
    .option('--read-only', 'refuse every change (retry, remove, pause...) with 403')
    .option('--title <title>', `page title (default: "${defaults.title}")`)
    .option('--no-metrics', 'do not serve GET /metrics (Prometheus metrics of the queue)')
    .option(
      '--trace-url <template>',
      "link each traced job to its trace: your tracing backend's http(s) URL with {traceId} in it",
      parseTraceUrl,
    )
    .addOption(
      new Option('--log-level <level>', `what the queue logs, as JSON lines on stderr: ${LOG_LEVELS.join(', ')}`)
        .default(DEFAULT_LOG_LEVEL)
        .argParser(parseLogLevel),
    );
}

/** True when the promise has settled (or is missing). */
async function isSettled(promise: Promise<unknown> | undefined): Promise<boolean> {
  const pending = Symbol('pending');
  // Raced against a macrotask, not an already resolved promise: `promise.catch()` settles a
  // microtask later than that one, so a settled promise would look pending.
  const later = new Promise((resolve) => setImmediate(() => resolve(pending)));
  return promise === undefined || (await Promise.race([promise.catch(() => undefined), later])) !== pending;
}

function dashboardOptions(opts: CommonOptions, name: string): DashboardOptions {
  return {
    port: opts.port,
    redis: opts.redis,
    prefix: opts.prefix,
    auth: opts.auth,
    readOnly: opts.readOnly === true,
    title: opts.title,
    metrics: opts.metrics !== false,
    ...(opts.traceUrl !== undefined && { traceUrl: opts.traceUrl }),
    logger: cliLogger(opts.logLevel),
    onError: errorReporter(name),
    onReconnect: () => err(`${name}: Redis answers again.`),
  };
}

function describeAccess(opts: CommonOptions): string {
  const parts = [`queue prefix "${opts.prefix}"`];
  if (opts.readOnly) parts.push('read-only');
  if (opts.metrics === false) parts.push('no /metrics');
  if (opts.auth) parts.push(`basic auth as "${opts.auth.username}"`);
  return parts.join(', ');
}

/** Defines the dashboard's options and action on `cmd` (`kue dashboard` or the `kue-dashboard` program). */
function defineDashboard(cmd: Command): Command {
  return addCommonOptions(cmd, `port to listen on; 0 picks any free port (default: ${defaults.port})`)
    .description("Serve a queue's dashboard and JSON API over HTTP.")
    .addOption(
      new Option('--host <host>', 'address to listen on; other machines can connect unless it is a loopback address')
        .default(defaults.host)
        .argParser(parseHost),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ${commandPath(cmd)}                                  # http://127.0.0.1:3000/, Redis on 127.0.0.1:6379
  $ ${commandPath(cmd)} -p 8080 -r redis://redis.internal:6379 -q myapp
  $ KUE_AUTH=admin:secret ${commandPath(cmd)} --host 0.0.0.0 --read-only`,
    )
    .action(async (opts: DashboardCommandOptions, self: Command) => {
      const name = commandPath(self);
      let starting: Promise<Dashboard> | undefined;
      stopOnSignals({
        write: out,
        stop: async () => {
          const dashboard = await starting?.catch(() => undefined);
          await dashboard?.close();
          out('Stopped.');
          return 0;
        },
      });
      starting = startDashboard({ ...dashboardOptions(opts, name), host: opts.host });
      const dashboard = await starting;
      if (isStopping()) return;
      out(`Kue dashboard: ${dashboard.url}`);
      out(`Redis: ${redactRedisUrl(opts.redis ?? defaults.redisUrl)}, ${describeAccess(opts)}`);
      if (!isLoopback(opts.host) && !opts.auth) {
        err(
          `${name}: warning: listening on ${opts.host} without --auth: anyone who can reach this machine can see ${opts.readOnly ? '' : 'and change '}the jobs.`,
        );
      }
      out('Ctrl-C to stop.');
    });
}

function defineDev(cmd: Command): Command {
  return addCommonOptions(
    cmd,
    `port of the dashboard (default: ${defaults.port}, or any free port when ${defaults.port} is taken)`,
  )
    .description(
      `Start a redis-server of its own (data in ${DATA_DIR}, on a free 127.0.0.1 port) and the dashboard, for development.\n` +
        'With -r, use that Redis instead and start no redis-server.',
    )
    .addHelpText(
      'after',
      `
redis-server must be on PATH (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)
unless -r is given. Ctrl-C stops the dashboard and the redis-server; the data stays in ${DATA_DIR}.

Examples:
  $ kue dev
  $ kue dev -p 4000 -q myapp
  $ kue dev -r redis://127.0.0.1:6379`,
    )
    .action(async (opts: CommonOptions, self: Command) => {
      const name = commandPath(self);
      let starting: Promise<Dev> | undefined;
      // Whatever ends this process, a redis-server it started must not outlive it.
      process.on('exit', killStartedRedisNow);
      stopOnSignals({
        write: out,
        force: killStartedRedisNow,
        stop: async () => {
          // Stopped during start-up, Redis may be loading its data: it is stopped at once, which
          // makes the start fail or finish quickly.
          if (!(await isSettled(starting))) await stopStartedRedis();
          const dev = await starting?.catch(() => undefined);
          if (!dev) return 0;
          await dev.dashboard.close();
          out('Dashboard closed, queue shut down.');
          await dev.close();
          if (dev.redis) out(`redis-server (pid ${dev.redis.pid}) stopped; the data stays in ${DATA_DIR}.`);
          return 0;
        },
      });
      starting = startDev({
        ...dashboardOptions(opts, name),
        onRedisExit: (exit) => {
          if (isStopping()) return;
          err(`${name}: redis-server exited unexpectedly (${exit.signal ?? `exit code ${exit.code}`}): stopping.`);
          void starting?.then((dev) => dev.close()).finally(() => process.exit(1));
        },
      });
      const dev = await starting;
      if (isStopping()) return;
      const { dashboard, redis } = dev;
      out(
        redis
          ? `Redis: ${redis.url} (redis-server pid ${redis.pid}, data in ${DATA_DIR})`
          : `Redis: ${redactRedisUrl(dev.redisUrl)}`,
      );
      if (opts.port === undefined && dashboard.port !== defaults.port) {
        out(`Port ${defaults.port} is in use: the dashboard listens on port ${dashboard.port} instead.`);
      }
      out(`Kue dashboard: ${dashboard.url}`);
      const access = describeAccess(opts);
      out(`${access.charAt(0).toUpperCase()}${access.slice(1)}. Ctrl-C to stop.`);
    });
}

function defineCheck(cmd: Command): Command {
  return addQueueOptions(cmd)
    .description(
      "Check a queue's keys for inconsistencies: a job in two state indexes or none, a record that\n" +
        'disagrees with its index, index entries, logs or search entries of jobs that do not exist.\n' +
        'Read-only and safe on a working queue. Exit code 0: consistent; 1: inconsistencies found.',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { redis?: string; prefix: string; json?: boolean }) => {
      const redis = opts.redis ?? defaults.redisUrl;
      const report = await runCheck({ redis, prefix: opts.prefix });
      if (opts.json) out(JSON.stringify(report, null, 2));
      else formatReport(report, `Queue "${opts.prefix}" on ${redactRedisUrl(redis)}`).forEach((line) => out(line));
      process.exitCode = report.findings.length === 0 ? 0 : 1;
    });
}

interface MigrateCommandOptions {
  redis?: string;
  prefix?: string;
  from: string;
  dryRun?: boolean;
  functionBackoff?: string | number;
  reserveIds?: number;
  json?: boolean;
}

/** Progress at most every this many ms: a long run shows it is alive, a short one prints none. */
const PROGRESS_EVERY_MS = 2_000;

function defineMigrate(cmd: Command): Command {
  return cmd
    .description(
      "Move every job of a queue Kue 0.11 wrote into this package's layout, ids kept.\n" +
        'Stop the Kue 0.11 workers first. Safe to run again: a run stopped at any point\n' +
        'is finished by the next, and a run after a complete one changes nothing.',
    )
    .requiredOption(
      '--from <prefix>',
      "Kue 0.11's prefix as its key names show it: q for keys q:job:1 (Kue 0.11's default client), {q} for {q}:job:1 (Kue 0.11 on ioredis)",
      parsePrefix,
    )
    .option('-r, --redis <url>', `Redis URL, redis:// or rediss:// (default: ${defaults.redisUrl})`, parseRedisUrl)
    .option('-q, --prefix <prefix>', 'the prefix of the queue the jobs go to (default: the --from prefix)', parsePrefix)
    .option('--dry-run', 'print what would move, per state and type, and write nothing')
    .option(
      '--function-backoff <name|ms>',
      "what replaces a backoff function Kue 0.11 stored (never run): a strategy's name the new workers register, or a fixed delay in ms (default: fixed, the job's own delay)",
      parseBackoff,
    )
    .option(
      '--reserve-ids <n>',
      "leave n ids free above Kue 0.11's id counter for Kue 0.11 producers that keep saving (q:… keys only; default 0)",
      parseCount,
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Exit code 0: done (skipped jobs, if any, are listed); 1: refused or stopped
(nothing was lost: run it again); 2: bad usage. See docs/migrating.md.

Examples:
  $ kue migrate --from q --dry-run
  $ kue migrate --from q -r redis://redis.internal:6379
  $ kue migrate --from '{q}' -q q --function-backoff 60000`,
    )
    .action(async (opts: MigrateCommandOptions) => {
      const redis = opts.redis ?? defaults.redisUrl;
      const prefix = opts.prefix ?? opts.from.replace(/^\{([^{}]+)\}$/, '$1');
      let lastProgress = Date.now();
      const report = await runMigrate({
        redis,
        prefix,
        from: opts.from,
        dryRun: opts.dryRun === true,
        functionBackoff: opts.functionBackoff,
        reserveIds: opts.reserveIds,
        onProgress: (progress) => {
          if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = Date.now();
          err(formatProgress(progress));
        },
      });
      if (opts.json) out(JSON.stringify(report, null, 2));
      else {
        const where = `Kue 0.11 queue "${opts.from}" to queue "${prefix}" on ${redactRedisUrl(redis)}`;
        formatMigration(report, where).forEach((line) => out(line));
      }
    });
}

/** `kue`, with its commands. */
export function createProgram(): Command {
  const program = configureErrors(new Command('kue'))
    .description('Kue: a priority job queue backed by Redis.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command');
  defineDashboard(configureErrors(program.command('dashboard')));
  defineDev(configureErrors(program.command('dev')));
  defineCheck(configureErrors(program.command('check')));
  defineMigrate(configureErrors(program.command('migrate')));
  defineSchedules(addQueueOptions(configureErrors(program.command('schedules'))), out);
  defineLimits(addQueueOptions(configureErrors(program.command('limits'))), out);
  defineLimit(addQueueOptions(configureErrors(program.command('limit'))), out);
  defineGroups(addQueueOptions(configureErrors(program.command('groups'))), out);
  defineCancel(addQueueOptions(configureErrors(program.command('cancel'))), out);
  defineFlowTree(addQueueOptions(configureErrors(program.command('flow'))), out);
  defineEvents(addQueueOptions(configureErrors(program.command('events'))), out);
  return program;
}

/** `kue-dashboard`: Kue's own dashboard command, the same as `kue dashboard`. */
export function createDashboardProgram(): Command {
  const program = configureErrors(new Command('kue-dashboard'))
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  return defineDashboard(program);
}
