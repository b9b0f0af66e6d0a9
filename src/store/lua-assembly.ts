import { expandMacros, findMacros } from './lua-macros.js';
import { pruneUnusedFunctions } from './lua-pruning.js';

/**
 * Builds a Lua script's text from its body and the includes it names. A script or an include
 * names what it needs on a line `--@include a, b`; the assembled text holds every include named,
 * directly or through other includes, once, each after the includes it needs (a Lua local is
 * seen only below its definition: a name used above it would be read as a missing global), and
 * then the body. Nothing else goes in, so a script carries no code it does not ask for; and of
 * the includes' functions, only those the script calls (see lua-pruning.ts), and of those, the
 * ones that are a single expression written out where they are called (lua-macros.ts).
 *
 * An include marked `--@inline` holds one table of constants, `local NAME = { KEY = value, ... }`
 * (numbers and quoted strings). It is not copied in: each `NAME.KEY` of the script is written as
 * its value instead, because Redis runs the whole text on every call and building a table costs
 * as much as several function definitions; a literal costs nothing. A `NAME.KEY` the
 * table does not hold throws here, where a missing table entry would have been a silent nil.
 *
 * A block (lua/blocks/) is code pasted, in `do ... end`, where a line `--@block name` of a
 * script or an include stands: its locals are the enclosing function's own registers. A shared
 * local function would do the same work, but Redis runs the whole text on every call, and
 * making a closure that captures many locals of the chunk costs more (each capture walks the
 * list of the chunk's captured locals) than the rest of a one-job save. A block names its own
 * includes, and may paste a block of its own the same way; its header says which locals it
 * reads and which it sets.
 */

const INCLUDE_LINE = /^--@include[ \t]+(.*)$/gm;
const INLINE_MARK = /^--@inline[ \t]*$/m;
const BLOCK_LINE = /^[ \t]*--@block[ \t]+(\w+)[ \t]*$/gm;
// Comments, long strings and quoted strings, which substitution leaves alone, or a name with
// the field after it, if any.
const LEXEMES =
  /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|(?<![\w.])([A-Za-z_]\w*)(?:\s*\.\s*([A-Za-z_]\w*))?/g;

/** The include names a Lua source asks for, in the order it names them. */
export function includeNames(source: string): string[] {
  const names: string[] = [];
  for (const line of source.matchAll(INCLUDE_LINE)) {
    for (const name of line[1]!.split(/[\s,]+/)) if (name) names.push(name);
  }
  return names;
}

/** The table of an `--@inline` include: its name and its entries as Lua literals; null for another include. */
export function inlineTable(source: string): { name: string; entries: Map<string, string> } | null {
  if (!INLINE_MARK.test(source)) return null;
  const table = /^local (\w+) = \{\n([\s\S]*?)^\}/m.exec(source);
  if (!table) throw new Error('an --@inline include must define one table: local NAME = { KEY = value, ... }');
  const entries = new Map<string, string>();
  for (const line of table[2]!.split('\n')) {
    const code = line.replace(/--.*$/, '').trim();
    if (code === '') continue;
    const entry = /^(\w+) = (-?\d+|'[^'\\]*'),$/.exec(code);
    if (!entry) throw new Error(`${table[1]}: "${code}" is not a KEY = number or 'string' entry`);
    entries.set(entry[1]!, entry[2]!);
  }
  return { name: table[1]!, entries };
}

export interface AssembledScript {
  /** The includes copied into `text`, in order. */
  includes: string[];
  /** The `--@inline` includes whose constants `text` holds as literals. */
  inlined: string[];
  text: string;
}

/**
 * A body with each `--@block name` line replaced by that block, in `do ... end`; a block may
 * paste others (`within` lists the blocks being pasted, to refuse a cycle).
 */
export function pasteBlocks(
  name: string,
  body: string,
  blocks: Readonly<Record<string, string>>,
  within: string[] = [],
): string {
  return body.replace(BLOCK_LINE, (_line, block: string) => {
    if (!Object.hasOwn(blocks, block))
      throw new Error(
        `Lua ${name}: it names an unknown block "${block}" (known: ${Object.keys(blocks).sort().join(', ')})`,
      );
    if (within.includes(block))
      throw new Error(`Lua ${name}: its blocks form a cycle: ${[...within, block].join(' -> ')}`);
    return `do -- block ${block}\n${pasteBlocks(name, blocks[block]!.trimEnd(), blocks, [...within, block])}\nend`;
  });
}

/**
 * Assembles one script (`name` says which in errors, e.g. 'script "take"'). Throws when an
 * include or block name is unknown, the includes form a cycle or a constant is not in its
 * table, so a mistake shows when the scripts are defined, not when a script first runs.
 */
export function assemble(
  name: string,
  script: string,
  includes: Readonly<Record<string, string>>,
  blocks: Readonly<Record<string, string>> = {},
): AssembledScript {
  const body = pasteBlocks(name, script, blocks);
  const expanded = (include: string) => pasteBlocks(`include "${include}"`, includes[include]!, blocks);
  const order: string[] = [];
  const path: string[] = [];
  const visit = (include: string, namedBy: string) => {
    if (order.includes(include)) return;
    if (path.includes(include)) {
      const cycle = [...path.slice(path.indexOf(include)), include].join(' -> ');
      throw new Error(`Lua ${name}: its includes form a cycle: ${cycle}`);
    }
    if (!Object.hasOwn(includes, include)) {
      throw new Error(
        `Lua ${name}: ${namedBy} names an unknown include "${include}" (known: ${Object.keys(includes).sort().join(', ')})`,
      );
    }
    path.push(include);
    for (const needed of includeNames(expanded(include))) visit(needed, `include "${include}"`);
    path.pop();
    order.push(include);
  };
  for (const include of includeNames(body)) visit(include, 'it');

  const tables = new Map<string, { include: string; entries: Map<string, string> }>();
  for (const include of order) {
    const table = inlineTable(includes[include]!);
    if (table) tables.set(table.name, { include, entries: table.entries });
  }
  const inline = (source: string) =>
    tables.size === 0
      ? source
      : source.replace(LEXEMES, (lexeme, _a, _b, table?: string, key?: string) => {
          const constants = table === undefined ? undefined : tables.get(table);
          if (!constants) return lexeme;
          // Only `NAME.KEY` can be written as a value: the table itself never exists.
          const value = key === undefined ? undefined : constants.entries.get(key);
          if (value === undefined)
            throw new Error(`Lua ${name}: ${lexeme} is not a constant of include "${constants.include}"`);
          // In parentheses, so that `a-STATUS.X` never becomes the comment `a--1`.
          return `(${value})`;
        });
  const copied = order.filter((include) => !INLINE_MARK.test(includes[include]!));
  const texts = copied.map((include) => inline(expanded(include)));
  const macros = new Map(texts.flatMap((text) => [...findMacros(text)]));
  const main = expandMacros(name, inline(body), macros);
  const pruned = pruneUnusedFunctions(
    name,
    copied.map((include, i) => ({ where: include, text: expandMacros(name, texts[i]!, macros) })),
    main,
  );
  return {
    includes: copied,
    inlined: [...tables.values()].map((t) => t.include),
    text: [...pruned, main].join('\n'),
  };
}

/**
 * Assembles every script, and checks every include and block on its own too: one no script
 * uses yet must not hide an unknown name or a cycle either.
 */
export function assembleAll<Name extends string>(
  scripts: Readonly<Record<Name, string>>,
  includes: Readonly<Record<string, string>>,
  blocks: Readonly<Record<string, string>> = {},
): Record<Name, AssembledScript> {
  for (const include of Object.keys(includes))
    assemble(`include "${include}"`, `--@include ${include}\n`, includes, blocks);
  for (const block of Object.keys(blocks)) assemble(`block "${block}"`, `--@block ${block}\n`, includes, blocks);
  const assembled = {} as Record<Name, AssembledScript>;
  for (const name of Object.keys(scripts) as Name[])
    assembled[name] = assemble(`script "${name}"`, scripts[name], includes, blocks);
  return assembled;
}
