// The suite runs most files side by side against one redis-server (test/groups.ts). A file of
// that parallel group must not read or change the whole server: figures like INFO's would
// count the other files' commands, and a FLUSHDB or CONFIG SET would pull the ground from
// under them. Such a file is listed in ALONE_FILES, or talks to a server of its own.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALONE_FILES, ALONE_FOLDERS, runsAlone } from '../groups.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Commands about the whole server, as ioredis methods or generic calls. */
const SERVER_WIDE =
  /\.(info|dbsize|flushdb|flushall|monitor)\(|\.(config|client|script)\(\s*['"](set|kill|flush)|\.call\(\s*['"](info|dbsize|flushdb|flushall|monitor|config|client|script|debug|keys)['"]|\.keys\(\s*['"]\*/i;
/** A server (or cluster, or Sentinel set) of the file's own, where such commands are fine. */
const OWN_SERVER = /\b(startRedis|ownRedis|startCluster|startSentinelSet)\(/;

function testFiles(): string[] {
  return (readdirSync(`${root}test`, { recursive: true }) as string[])
    .map((f) => `test/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
}

describe('the groups of test files', () => {
  it('no file of the parallel group reads or changes the whole shared test Redis', () => {
    const offenders = testFiles().filter((file) => {
      if (runsAlone(file)) return false;
      const text = readFileSync(`${root}${file}`, 'utf8');
      return SERVER_WIDE.test(text) && !OWN_SERVER.test(text);
    });
    expect(
      offenders,
      'list them in ALONE_FILES (test/groups.ts), or give them a server of their own (test/support/own-redis.ts)',
    ).toEqual([]);
  });

  it('every folder and file that runs alone exists (a renamed file would run in parallel)', () => {
    expect([...ALONE_FOLDERS, ...ALONE_FILES].filter((path) => !existsSync(`${root}${path}`))).toEqual([]);
  });
});
