// A sandboxed processor's file and options are checked at process(): a bad one throws a
// TypeError or RangeError naming the value, and nothing is started (no worker takes jobs).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inheritableExecArgv } from '../../src/sandbox/options.js';
import { testQueue } from '../support/setup.js';
import { fixture } from './support.js';

const file = fixture('behaviours.cjs');

describe('sandboxed processor arguments', () => {
  it('unknown option names and bad option values throw, naming them, and start nothing', async () => {
    const queue = testQueue();
    const job = await queue.create('t', {}).save();
    const cases: Array<[unknown, ErrorConstructor, RegExp]> = [
      [
        { isolation: 'fork' },
        RangeError,
        /^sandbox option isolation must be 'thread' or 'process', got "fork" \(string\)$/,
      ],
      [{ threads: 2 }, TypeError, /^unknown sandbox option "threads" \(string\); the options are isolation, /],
      [
        { recycleAfterJobs: -1 },
        RangeError,
        /^sandbox option recycleAfterJobs must be a whole number from 0 to .*, got -1 \(number\)$/,
      ],
      [{ recycleAfterJobs: 1.5 }, RangeError, /recycleAfterJobs .* got 1.5 \(number\)$/],
      [{ maxMemoryMb: '512' }, TypeError, /^sandbox option maxMemoryMb must be a number, got "512" \(string\)$/],
      [
        { maxMemoryMb: 4 },
        RangeError,
        /^sandbox option maxMemoryMb must be a whole number from 16 to \d+, got 4 \(number\)$/,
      ],
      [{ idleTimeout: Infinity }, RangeError, /idleTimeout .* got Infinity \(number\)$/],
      [{ abortGraceMs: null }, TypeError, /^sandbox option abortGraceMs must be a number, got null$/],
      [{ execArgv: ['--no-warnings'] }, TypeError, /^sandbox option execArgv applies to isolation 'process' only/],
      [
        { isolation: 'process', execArgv: '--no-warnings' },
        TypeError,
        /^sandbox option execArgv must be an array of strings/,
      ],
      [
        { isolation: 'process', env: { A: 1 } },
        TypeError,
        /^sandbox option env must be an object of strings, got \{"A":1\} \(object\)$/,
      ],
      [
        { isolation: 'process', execArgv: ['--eval', 'x'] },
        RangeError,
        /^sandbox option execArgv must not hold "--eval" \(string\): the child would not run its program$/,
      ],
      ['thread', TypeError, /^sandbox options must be an object, got "thread" \(string\)$/],
    ];
    for (const [options, type, message] of cases) {
      expect(() => queue.process('t', 2, file, options as never), JSON.stringify(options)).toThrow(type);
      expect(() => queue.process('t', 2, file, options as never)).toThrow(message);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await queue.getJob(job.id!)).state()).toBe('inactive');
  });

  it('a path that does not exist, a directory, a relative path that does not exist and a non-file URL throw a TypeError naming them', async () => {
    const queue = testQueue();
    const job = await queue.create('t', {}).save();
    const dir = mkdtempSync(join(tmpdir(), 'kue-sandbox-dir-'));
    const missing = join(dir, 'nope.js');
    expect(() => queue.process('t', missing)).toThrow(
      new TypeError(`sandboxed processor file ${missing} does not exist`),
    );
    expect(() => queue.process('t', 3, dir)).toThrow(new TypeError(`sandboxed processor ${dir} is not a file`));
    expect(() => queue.process('t', './no/such/processor.js')).toThrow(
      new TypeError(
        `sandboxed processor file ${join(process.cwd(), 'no/such/processor.js')} does not exist ("./no/such/processor.js" resolved against the working directory ${process.cwd()})`,
      ),
    );
    expect(() => queue.process('t', new URL('https://example.com/processor.js'))).toThrow(
      new TypeError('a sandboxed processor must be a file path or a file: URL, got https://example.com/processor.js'),
    );
    expect(() => queue.process('t', 2, '')).toThrow(TypeError);
    // Not a function and not a file: the old message.
    expect(() => queue.process('t', 2, 42 as never)).toThrow(
      new TypeError('process needs a handler function or a processor file (a path or a file: URL)'),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect((await queue.getJob(job.id!)).state()).toBe('inactive');
  });

  it('an absolute path string, a file: URL string and a URL are all accepted', async () => {
    const queue = testQueue();
    queue.process('a', fileURLToPath(file));
    queue.process('b', 2, file.href);
    queue.process('c', 2, file, {
      isolation: 'process',
      execArgv: [],
      env: { ...process.env } as Record<string, string>,
    });
    const jobs = await queue.saveAll(['a', 'b', 'c'].map((t) => queue.create(t, { do: 'sleep', ms: 1 })));
    for (const job of jobs) await expect.poll(async () => (await queue.getJob(job.id!)).state()).toBe('complete');
  });

  it("children get the parent's Node options without eval code, --input-type, the inspector, watch and test modes", () => {
    expect(
      inheritableExecArgv([
        '--enable-source-maps',
        '--input-type=module',
        '-e',
        'startWorkers()',
        '--inspect=0',
        '--import',
        'tsx',
        '--watch-path',
        'src',
        '--max-old-space-size=512',
        '--test',
      ]),
    ).toEqual(['--enable-source-maps', '--import', 'tsx', '--max-old-space-size=512']);
  });
});
