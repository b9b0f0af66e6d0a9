// Each Lua script is assembled from the includes it names: every include it gets is one it
// uses, every include-defined name it uses comes with it, and only the keys include builds
// key names.
import { describe, expect, it } from 'vitest';
import { assemble, assembleAll, includeNames, inlineTable, pasteBlocks } from '../../src/store/lua-assembly.js';
import { assembledScript, luaBlocks, luaIncludes, luaScripts, SCRIPT_NAMES } from '../../src/store/scripts.js';
import { redisClient } from '../support/setup.js';

const LEXEMES = /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g;

/** Lua text without its comments and string literals: what is left is code. */
function code(lua: string): string {
  return lua.replace(LEXEMES, ' ');
}

/** Lua text without its comments. */
function uncommented(lua: string): string {
  return lua.replace(LEXEMES, (lexeme) => (lexeme.startsWith('--') ? ' ' : lexeme));
}

/** The names an include defines for others: its top-level locals (unindented). */
function exported(lua: string): string[] {
  const names: string[] = [];
  for (const m of code(lua).matchAll(/^local\s+(?:function\s+(\w+)|([\w\s,]+?)\s*=)/gm)) {
    names.push(...(m[1] ?? m[2]!).split(/\s*,\s*/));
  }
  return names;
}

/** Every name a piece of Lua declares for itself, at any depth: locals, parameters, loop variables. */
function declared(lua: string): Set<string> {
  const text = code(lua);
  const names = new Set<string>();
  const lists = [
    ...[...text.matchAll(/\blocal\s+function\s+(\w+)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/\blocal\s+(?!function\b)([\w\s,]+?)\s*(?:=|\n)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/\bfunction\b[\w\s.:]*\(([^)]*)\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/\bfor\s+([\w\s,]+?)\s+(?:in|=)/g)].map((m) => m[1]!),
  ];
  for (const list of lists) for (const name of list.split(/[\s,]+/)) if (name) names.add(name);
  return names;
}

const defines = new Map(Object.entries(luaIncludes).map(([name, text]) => [name, exported(text)]));
const definedBy = new Map([...defines].flatMap(([include, names]) => names.map((n) => [n, include] as const)));

/** The include-defined names a piece of Lua uses without declaring them itself. */
function borrowed(lua: string): Set<string> {
  const own = declared(lua);
  const used = new Set<string>();
  for (const m of code(lua).matchAll(/(?<![.:\w])([A-Za-z_]\w*)/g)) {
    const name = m[1]!;
    if (definedBy.has(name) && !own.has(name)) used.add(name);
  }
  return used;
}

/** Every include a source gets when assembled, copied or inlined. */
function resolved(source: string): string[] {
  const { includes, inlined } = assemble('source', source, luaIncludes, luaBlocks);
  return [...includes, ...inlined];
}

/** A source names each include it takes a name from, and no other. */
function expectNamesWhatItUses(what: string, source: string): void {
  const named = includeNames(source);
  const used = new Set([...borrowed(source)].map((name) => definedBy.get(name)!));
  for (const include of used)
    expect(
      named,
      `${what} uses ${[...borrowed(source)].filter((n) => definedBy.get(n) === include).join(', ')}`,
    ).toContain(include);
  for (const include of named)
    expect(used.has(include), `${what} names ${include} but uses none of ${defines.get(include)?.join(', ')}`).toBe(
      true,
    );
}

describe('the includes', () => {
  it('each define local names, and have distinct names between them', () => {
    for (const [include, names] of defines) expect(names.length, include).toBeGreaterThan(0);
    const all = [...defines.values()].flat();
    expect(all.length).toBe(new Set(all).size);
  });

  it('each name exactly the includes whose names they use, and so does each block', () => {
    for (const [include, text] of Object.entries(luaIncludes)) expectNamesWhatItUses(`include ${include}`, text);
    for (const [block, text] of Object.entries(luaBlocks)) expectNamesWhatItUses(`block ${block}`, text);
  });

  it('leave key names to the keys includes (ours and kue011_keys): no other Lua puts one together', () => {
    const keyish = /\b(?:base|prefix)\s*\.\.|['"]:[\w-]/;
    const sources = [
      ...Object.entries(luaIncludes).filter(([include]) => include !== 'keys' && include !== 'kue011_keys'),
      ...Object.entries(luaScripts),
      ...Object.entries(luaBlocks),
    ];
    for (const [name, text] of sources) expect(uncommented(text), name).not.toMatch(keyish);
  });
});

describe('each script', () => {
  it.each(SCRIPT_NAMES)('%s: holds only includes it uses, and every include it uses', (name) => {
    const body = pasteBlocks(name, luaScripts[name], luaBlocks);
    const includes = resolved(body);
    const parts = [
      ...includes.map((include) => ({ include, text: pasteBlocks(include, luaIncludes[include]!, luaBlocks) })),
      { include: '', text: body },
    ];
    for (const include of includes) {
      const usedByRest = new Set(parts.filter((p) => p.include !== include).flatMap((p) => [...borrowed(p.text)]));
      const own = defines.get(include)!;
      expect(
        own.some((n) => usedByRest.has(n)),
        `${name} includes ${include} but uses none of ${own.join(', ')}`,
      ).toBe(true);
    }
    expectNamesWhatItUses(name, luaScripts[name]);
  });

  it('builds no table of constants when it runs', () => {
    for (const name of SCRIPT_NAMES) {
      const { includes, inlined, text } = assembledScript(name);
      for (const include of inlined) {
        expect(includes).not.toContain(include);
        expect(code(text), name).not.toMatch(new RegExp(`\\b${inlineTable(luaIncludes[include]!)!.name}\\b`));
      }
    }
    expect(assembledScript('complete').inlined).toEqual(['status']);
  });

  it('compiles in Redis', async () => {
    const redis = redisClient();
    for (const name of SCRIPT_NAMES) {
      await expect(redis.script('LOAD', assembledScript(name).text), name).resolves.toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

describe('assembly', () => {
  const fake = {
    a: '--@include b, c\nlocal function a() b() c() end\n',
    b: '--@include c\nlocal function b() c() end\n',
    c: 'local function c() end\n',
    k: "--[[ constants ]]\n--@inline\nlocal K = {\n  -- the first\n  ONE = 1,\n  MINUS = -1,\n  WORD = 'w',\n}\n",
  };

  it('puts each include once, after the ones it needs, then the body', () => {
    const { includes, text } = assemble('script "s"', '--@include a, c\nreturn a()\n', fake);
    expect(includes).toEqual(['c', 'b', 'a']);
    expect(text).toBe([fake.c, fake.b, fake.a, '--@include a, c\nreturn a()\n'].join('\n'));
    expect(includeNames('--@include x,y  z\nlocal q\n--@include w')).toEqual(['x', 'y', 'z', 'w']);
  });

  it('throws on an unknown include, saying who named it', () => {
    expect(() => assemble('script "s"', '--@include a, nope\n', fake)).toThrow(
      /script "s": it names an unknown include "nope"/,
    );
    expect(() => assembleAll({ s: '--@include a\n' }, { ...fake, c: '--@include zz\n' })).toThrow(
      /include "c" names an unknown include "zz"/,
    );
  });

  it('throws on a cycle, naming it', () => {
    const cyclic = { ...fake, c: '--@include a\nlocal function c() end\n' };
    expect(() => assemble('script "s"', '--@include a\n', cyclic)).toThrow(/cycle: a -> b -> c -> a/);
    // An include no script names is checked too.
    expect(() => assembleAll({ s: 'return 1' }, { x: '--@include x\n' })).toThrow(/cycle: x -> x/);
  });

  it('writes the constants of an --@inline include as values, outside comments and strings', () => {
    const body = "--@include k, c\n-- K.ONE stays\nlocal x = 2-K.MINUS\nreturn { K.ONE, K . WORD, 'K.ONE', x, c() }\n";
    const { includes, inlined, text } = assemble('script "s"', body, fake);
    expect(includes).toEqual(['c']);
    expect(inlined).toEqual(['k']);
    expect(text).toBe(
      `${fake.c}\n--@include k, c\n-- K.ONE stays\nlocal x = 2-(-1)\nreturn { (1), ('w'), 'K.ONE', x, c() }\n`,
    );
  });

  it('pastes a block in do ... end where a --@block line names it, with the includes the block names', () => {
    const blocks = { twice: '--@include c\nlocal n = 2\nout = c(n)\n' };
    const body = 'local out\nif x then\n  --@block twice\nend\nreturn out\n';
    const { includes, text } = assemble('script "s"', body, fake, blocks);
    expect(includes).toEqual(['c']);
    expect(text).toBe(
      `${fake.c}\nlocal out\nif x then\ndo -- block twice\n${blocks.twice.trimEnd()}\nend\nend\nreturn out\n`,
    );
    expect(() => assemble('script "s"', '--@block nope\n', fake, blocks)).toThrow(
      /script "s": it names an unknown block "nope"/,
    );
    expect(() => assembleAll({ s: 'return 1' }, fake, { b: '--@include zz\n' })).toThrow(
      /block "b": it names an unknown include "zz"/,
    );
  });

  it('pastes the blocks a block names inside it, with their includes, and throws on a cycle of blocks', () => {
    const blocks = { outer: '--@include b\nlocal y = b()\n--@block inner\n', inner: '--@include c\nout = c(y)\n' };
    const { includes, text } = assemble('script "s"', 'local out\n--@block outer\nreturn out\n', fake, blocks);
    expect(includes).toEqual(['c', 'b']);
    expect(text).toBe(
      `${fake.c}\n${fake.b}\nlocal out\ndo -- block outer\n--@include b\nlocal y = b()\ndo -- block inner\n${blocks.inner.trimEnd()}\nend\nend\nreturn out\n`,
    );
    const cyclic = { a: '--@block b\n', b: '--@block a\n' };
    expect(() => assemble('script "s"', '--@block a\n', fake, cyclic)).toThrow(
      /script "s": its blocks form a cycle: a -> b -> a/,
    );
  });

  it('throws on a constant its table does not hold, or on the table used whole', () => {
    expect(() => assemble('script "s"', '--@include k\nreturn K.TWO\n', fake)).toThrow(
      /script "s": K.TWO is not a constant of include "k"/,
    );
    expect(() => assemble('script "s"', '--@include k\nreturn K\n', fake)).toThrow(/K is not a constant/);
    expect(() => assemble('script "s"', '--@include k\n', { k: '--@inline\nlocal K = {\n  A = f(),\n}\n' })).toThrow(
      /not a KEY = number or 'string' entry/,
    );
  });
});
