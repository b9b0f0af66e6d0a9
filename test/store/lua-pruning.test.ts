// Redis runs a script's whole text on every call: an assembled script makes only the include
// functions it calls, and a one-expression function (key_job, int) is written where it is
// called. Both are checked on small sources, then on the real scripts in a real Redis.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/store/lua-assembly.js';
import { expandMacros, findMacros } from '../../src/store/lua-macros.js';
import { pruneUnusedFunctions } from '../../src/store/lua-pruning.js';
import { assembledScript, SCRIPT_NAMES } from '../../src/store/scripts.js';
import { redisClient } from '../support/setup.js';

describe('pruning', () => {
  const include = [
    '-- Used by the body.',
    'local function used()',
    '  return helper() + 1',
    'end',
    '-- Only used by used().',
    'local function helper() return 2 end',
    '-- Used by nobody: it goes, with this comment.',
    'local function unused(x)',
    '  return x',
    'end',
    'local CONSTANT = setup()',
    'local function setup() return 3 end',
  ].join('\n');

  it('leaves out the functions nothing calls, with the comment lines above them', () => {
    const [text] = pruneUnusedFunctions('script "s"', [{ where: 'i', text: include }], 'return used() -- unused()');
    expect(text).toContain('local function used()');
    expect(text).toContain('local function helper()');
    // The include's own top-level code counts as a caller.
    expect(text).toContain('local function setup()');
    expect(text).not.toContain('unused');
    expect(text).not.toContain('local function unused');
  });

  it('throws on a function laid out otherwise, naming it', () => {
    const bad = 'local function f()\n  return 1\nlocal x = 2\nend';
    expect(() => pruneUnusedFunctions('script "s"', [{ where: 'i', text: bad }], 'return f()')).toThrow(
      /script "s", include "i": function f does not end .*\("local x = 2"\)/,
    );
  });
});

describe('macros', () => {
  const source = [
    "local function key_job(base, id) return base .. ':job:' .. id end",
    'local function int(n)',
    "  return string.format('%d', n)",
    'end',
    "local function twice(a) return a .. ':' .. a end",
    'local function reads_local(a) return a .. suffix end',
  ].join('\n');
  const macros = findMacros(source);

  it('are the functions whose body is one expression of their parameters and Lua libraries', () => {
    expect([...macros.keys()].sort()).toEqual(['int', 'key_job', 'twice']);
    expect(macros.get('key_job')).toMatchObject({ params: ['base', 'id'], onceInOrder: true });
    expect(macros.get('twice')?.onceInOrder).toBe(false);
  });

  it('write calls as the expression, arguments in parentheses, calls in arguments too', () => {
    const lua = "redis.call('DEL', key_job(base, int(first + n)))";
    expect(expandMacros('s', lua, macros)).toBe(
      "redis.call('DEL', (base .. ':job:' .. ((string.format('%d', (first + n))))))",
    );
  });

  it('leave calls alone in comments, strings and definitions, and where an argument would run twice', () => {
    const lua = ['-- key_job(base, id)', "local s = 'int(3)'", 'local t = twice(f())', 'local u = twice(x)'].join('\n');
    const out = expandMacros('s', lua, macros);
    expect(out).toContain('-- key_job(base, id)');
    expect(out).toContain("'int(3)'");
    expect(out).toContain('twice(f())');
    expect(out).toContain("local u = (x .. ':' .. x)");
    expect(expandMacros('s', source, macros)).toContain('local function int(n)');
  });

  it('keep a function that is still called or passed as a value', () => {
    const { text } = assemble('script "s"', '--@include m\nreturn { twice(f()), int, key_job(b, 1) }', {
      m: source,
    });
    expect(text).toContain('local function twice(a)');
    expect(text).toContain('local function int(n)');
    expect(text).not.toContain('local function key_job');
    expect(text).toContain("(b .. ':job:' .. 1)");
  });
});

describe('the real scripts', () => {
  it('make none of the key-name functions on a save, a take or a report', () => {
    for (const name of ['save', 'take', 'complete', 'fail'] as const) {
      const { text } = assembledScript(name);
      expect(text, name).not.toMatch(/^local function key_(?!state\b)/m);
      expect(text, name).not.toMatch(/^local function int\b/m);
    }
  });

  it.each(SCRIPT_NAMES)('%s: Redis compiles the assembled text', async (name) => {
    const sha = await redisClient().script('LOAD', assembledScript(name).text);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
  });
});
