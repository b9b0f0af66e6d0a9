// The options of createQueue / new Queue: each bad value throws a TypeError or RangeError
// naming the option and the value, before any connection is made; defaults fill the rest.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../src/defaults.js';
import { silentLogger } from '../../src/logger.js';
import { Queue, type QueueOptions } from '../../src/index.js';
import { resolveQueueOptions } from '../../src/queue/resolve-options.js';
import { testQueue, waitFor } from '../support/setup.js';

type Bad = [option: keyof QueueOptions, value: unknown, error: typeof TypeError | typeof RangeError, message: RegExp];

const noop = () => undefined;

/** Per option, values it refuses; the message must name the option and show the value. */
const BAD: Bad[] = [
  ['prefix', 5, TypeError, /^prefix must be a non-empty string, got 5 \(number\)$/],
  ['prefix', '', RangeError, /^prefix must be a non-empty string, got "" \(string\)$/],
  ['prefix', ['q'], TypeError, /^prefix .*\["q"\] \(object\)$/],
  ['commandTimeout', '1000', TypeError, /^commandTimeout must be a number of milliseconds, got "1000" \(string\)$/],
  [
    'commandTimeout',
    0,
    RangeError,
    /^commandTimeout must be a number of milliseconds from 1 to 2\^31-1 .*, got 0 \(number\)$/,
  ],
  ['commandTimeout', -1, RangeError, /^commandTimeout .*got -1 \(number\)$/],
  ['commandTimeout', Number.NaN, RangeError, /^commandTimeout .*got NaN \(number\)$/],
  ['commandTimeout', 2 ** 31, RangeError, /^commandTimeout .*got 2147483648 \(number\)$/],
  [
    'durableSaves',
    'yes',
    TypeError,
    /^durableSaves must be true, false or \{replicas, timeout\}, got "yes" \(string\)$/,
  ],
  [
    'durableSaves',
    { replicas: 0 },
    RangeError,
    /^durableSaves\.replicas must be an integer from 1 to 100, got 0 \(number\)$/,
  ],
  ['durableSaves', { timeout: 0 }, RangeError, /^durableSaves\.timeout must be at least 1 ms/],
  ['durableSaves', { replica: 1 }, RangeError, /^durableSaves takes replicas and timeout, not replica$/],
  ['saveRetryWindow', '60s', TypeError, /^saveRetryWindow must be a number, got "60s" \(string\)$/],
  [
    'saveRetryWindow',
    -1,
    RangeError,
    /^saveRetryWindow must be a whole number from 0 to 2147483647, got -1 \(number\)$/,
  ],
  ['saveRetryWindow', 1.5, RangeError, /^saveRetryWindow must be a whole number .*, got 1\.5 \(number\)$/],
  ['metrics', 200, TypeError, /^metrics must be an object \{maxTypes, lease\}, got 200 \(number\)$/],
  ['jobEvents', 'false', TypeError, /^jobEvents must be true or false, got "false" \(string\)$/],
  ['jobEvents', 0, TypeError, /^jobEvents must be true or false, got 0 \(number\)$/],
  ['disableSearch', 'no', TypeError, /^disableSearch must be true or false, got "no" \(string\)$/],
  ['disableSearch', 1, TypeError, /^disableSearch must be true or false, got 1 \(number\)$/],
  ['priorities', 'high', TypeError, /^priorities must be an object of names and numbers, got "high" \(string\)$/],
  ['priorities', [1, 2], TypeError, /^priorities must be an object of names and numbers, got \[1,2\] \(object\)$/],
  ['priorities', { urgent: '-20' }, TypeError, /^priorities\.urgent must be a number, got "-20" \(string\)$/],
  [
    'priorities',
    { urgent: 1.5 },
    RangeError,
    /^priorities\.urgent: priority must be an integer .*, got 1\.5 \(number\)$/,
  ],
  ['priorities', { urgent: 2 ** 40 }, RangeError, /^priorities\.urgent: .*got 1099511627776 \(number\)$/],
  ['lockDuration', '1s', TypeError, /^lockDuration must be a number of milliseconds, got "1s" \(string\)$/],
  [
    'lockDuration',
    0,
    RangeError,
    /^lockDuration must be a number of milliseconds from 1 to 2\^31-1 .*, got 0 \(number\)$/,
  ],
  ['lockDuration', -20_000, RangeError, /^lockDuration .*got -20000 \(number\)$/],
  ['lockDuration', Number.POSITIVE_INFINITY, RangeError, /^lockDuration .*got Infinity \(number\)$/],
  ['lockDuration', 2 ** 31, RangeError, /^lockDuration .*got 2147483648 \(number\)$/],
  ['maxStalls', '2', TypeError, /^maxStalls must be a number, got "2" \(string\)$/],
  ['maxStalls', -1, RangeError, /^maxStalls must be a whole number from 0 to \d+, got -1 \(number\)$/],
  ['maxStalls', 1.5, RangeError, /^maxStalls .*got 1\.5 \(number\)$/],
  ['maxStalls', Number.POSITIVE_INFINITY, RangeError, /^maxStalls .*got Infinity \(number\)$/],
  ['maxStalls', Number.NaN, RangeError, /^maxStalls .*got NaN \(number\)$/],
  [
    'maintenanceInterval',
    '5s',
    TypeError,
    /^maintenanceInterval must be a number of milliseconds, got "5s" \(string\)$/,
  ],
  [
    'maintenanceInterval',
    0,
    RangeError,
    /^maintenanceInterval must be a number of milliseconds from 1 to 2\^31-1 .*, got 0 \(number\)$/,
  ],
  ['maintenanceInterval', -1, RangeError, /^maintenanceInterval .*got -1 \(number\)$/],
  ['maintenanceInterval', 2 ** 31, RangeError, /^maintenanceInterval .*got 2147483648 \(number\)$/],
  ['maintenance', 'off', TypeError, /^maintenance must be true or false, got "off" \(string\)$/],
  ['maintenance', 0, TypeError, /^maintenance must be true or false, got 0 \(number\)$/],
  [
    'logger',
    'console',
    TypeError,
    /^logger must be an object with debug, warn and error functions .*, got "console" \(string\)$/,
  ],
  [
    'logger',
    { debug: noop, warn: noop },
    TypeError,
    /^logger must have debug, warn and error functions .*: it has no error$/,
  ],
  ['logger', {}, TypeError, /^logger .*: it has no debug, warn, error$/],
  [
    'logger',
    { debug: noop, warn: noop, error: noop, info: 'yes' },
    TypeError,
    /^logger\.info must be a function when given, got "yes" \(string\)$/,
  ],
  [
    'logger',
    { debug: noop, warn: noop, error: noop, child: {} },
    TypeError,
    /^logger\.child must be a function when given, got \{\} \(object\)$/,
  ],
  [
    'slowScriptThreshold',
    '1s',
    TypeError,
    /^slowScriptThreshold must be a number of milliseconds, got "1s" \(string\)$/,
  ],
  [
    'slowScriptThreshold',
    -1,
    RangeError,
    /^slowScriptThreshold must be a number of milliseconds from 0 to 2\^31-1 .*, got -1 \(number\)$/,
  ],
  [
    'removeOnComplete',
    'yes',
    TypeError,
    /^removeOnComplete must be true, false, a count or \{age, count\}, got "yes" \(string\)$/,
  ],
  ['removeOnComplete', -1, RangeError, /^removeOnComplete count must be an integer >= 0 .*got -1 \(number\)$/],
  ['removeOnComplete', { age: -1 }, RangeError, /^removeOnComplete age .*got \{"age":-1\} \(object\)$/],
  [
    'removeOnComplete',
    { days: 1 },
    TypeError,
    /^removeOnComplete takes only age \(seconds\) and count, got \{"days":1\} \(object\)$/,
  ],
  ['removeOnFail', 1.5, RangeError, /^removeOnFail count .*got 1\.5 \(number\)$/],
  ['removeOnFail', {}, RangeError, /^removeOnFail needs an age or a count, got \{\} \(object\)$/],
  ['removeOnFail', [10], TypeError, /^removeOnFail must be .*got \[10\] \(object\)$/],
  ['tracing', 'off', TypeError, /^tracing must be .*got "off" \(string\)$/],
];

describe('queue options', () => {
  it.each(BAD)('%s: %j is refused', (option, value, error, message) => {
    const thrown = (() => {
      try {
        resolveQueueOptions({ [option]: value } as QueueOptions);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).message).toMatch(message);
  });

  it('options that are not an object are refused; null or nothing are the defaults', () => {
    expect(() => resolveQueueOptions('q' as never)).toThrow(
      new TypeError('queue options must be an object, got "q" (string)'),
    );
    expect(() => resolveQueueOptions([] as never)).toThrow(/^queue options must be an object, got \[\] \(object\)$/);
    expect(resolveQueueOptions(null)).toEqual(resolveQueueOptions({}));
    expect(resolveQueueOptions(undefined)).toEqual(resolveQueueOptions({}));
  });

  it('fills in every default from defaults.ts; an option set to null or undefined takes its default', () => {
    const expected = {
      prefix: defaults.prefix,
      redis: undefined,
      // Left to the connection factory, so that redis.options.commandTimeout still applies.
      commandTimeout: undefined,
      durableSaves: undefined,
      saveRetryWindow: defaults.saveRetryWindow,
      metrics: defaults.metrics,
      jobEvents: defaults.jobEvents,
      events: { maxLen: defaults.eventsMaxLen },
      disableSearch: defaults.disableSearch,
      priorities: defaults.priorities,
      lockDuration: defaults.lockDuration,
      maxStalls: defaults.maxStalls,
      maintenanceInterval: defaults.maintenanceInterval,
      maintenance: defaults.maintenance,
      logger: silentLogger,
      removeOnComplete: defaults.removeOnComplete,
      removeOnFail: defaults.removeOnFail,
      tracing: defaults.tracing,
      slowScriptThreshold: defaults.slowScriptThreshold,
    };
    expect(resolveQueueOptions({})).toEqual(expected);
    const allNull = Object.fromEntries(Object.keys(expected).map((k) => [k, null]));
    expect(resolveQueueOptions(allNull as never)).toEqual(expected);
    const allUndefined = Object.fromEntries(Object.keys(expected).map((k) => [k, undefined]));
    expect(resolveQueueOptions(allUndefined as never)).toEqual(expected);
  });

  it('keeps good values (rounding milliseconds) and ignores keys it does not know, as Kue 0.11 programs pass some', () => {
    const logger = { debug: noop, warn: noop, error: noop };
    const resolved = resolveQueueOptions({
      prefix: 'jobs',
      redis: 'redis://127.0.0.1:6379',
      commandTimeout: 2 ** 31 - 1,
      durableSaves: true,
      saveRetryWindow: 0,
      metrics: { maxTypes: 50 },
      jobEvents: false,
      events: { maxLen: 5_000 },
      disableSearch: false,
      priorities: { urgent: -20, whenever: 100 },
      lockDuration: 1_000.4,
      maxStalls: 0,
      maintenanceInterval: 1,
      maintenance: false,
      logger,
      removeOnComplete: { age: 3600, count: 10 },
      removeOnFail: 100,
      tracing: false,
      slowScriptThreshold: 0,
      skipConfig: true,
      formatHtml: () => '',
    } as QueueOptions);
    expect(resolved).toEqual({
      prefix: 'jobs',
      redis: 'redis://127.0.0.1:6379',
      commandTimeout: 2 ** 31 - 1,
      durableSaves: defaults.durableSaves,
      saveRetryWindow: 0,
      metrics: { maxTypes: 50, lease: defaults.metrics.lease },
      jobEvents: false,
      events: { maxLen: 5_000 },
      disableSearch: false,
      priorities: { urgent: -20, whenever: 100 },
      lockDuration: 1_000,
      maxStalls: 0,
      maintenanceInterval: 1,
      maintenance: false,
      logger,
      removeOnComplete: { age: 3600, count: 10 },
      removeOnFail: 100,
      tracing: false,
      slowScriptThreshold: 0,
    });
    expect(resolveQueueOptions({ logger: console }).logger).toBe(console);
  });

  it('a queue given unknown keys works', async () => {
    const queue = testQueue({ skipConfig: true, formatHtml: false } as QueueOptions);
    expect((await queue.create('t').save()).id).toBe(1);
  });

  describe('a bad option connects to nothing', () => {
    // A TCP listener standing where Redis would be: it counts the connections it is offered.
    let server: Server;
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('new Queue throws at once and opens no connection, whatever the bad option', async () => {
      for (const [option, value, error] of BAD) {
        expect(() => new Queue({ redis: { port }, [option]: value }), `${option}: ${String(value)}`).toThrow(error);
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(sockets).toHaveLength(0);
      // The listener does see the connections of a queue whose options are good.
      const queue = new Queue({ redis: { port }, maintenance: false });
      queue.on('error', () => undefined);
      try {
        await waitFor(() => sockets.length > 0, 2_000, 'a connection');
      } finally {
        await queue.shutdown(100).catch(() => undefined);
      }
    });
  });
});
