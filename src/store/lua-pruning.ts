/**
 * Leaves out of an assembled script the include functions it never calls. Redis runs a
 * script's whole text on every call, so every `local function` of every include is made
 * again each time, used or not: the keys include alone defines some forty, and a save used
 * to spend about 30,000 instructions (a seventh of it) making functions it never called.
 *
 * An include's functions follow one layout, which this module checks rather than trusts: a
 * function starts on an unindented line `local function name(`, and either ends on that line
 * (a one-liner ending in ` end`) or at the next line that is `end` alone; the lines between
 * are indented or blank. A function is kept when the body or the top-level code of an include
 * names it, or a kept function does; one-line comments right above a function go with it.
 */

const FUNCTION_START = /^local function (\w+)\(/;
// Comments and strings, where a name is not a use, or a name not preceded by `.` or `:`.
const NAME_LEXEMES =
  /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|(?<![\w.:])([A-Za-z_]\w*)/g;

interface LuaFunction {
  name: string;
  /** Its first line (with the comment lines above it) and the line after its last. */
  from: number;
  to: number;
  /** The names its text uses. */
  uses: Set<string>;
}

/** The names a piece of Lua code uses, outside comments and strings. */
function namesIn(lua: string): Set<string> {
  const names = new Set<string>();
  for (const m of lua.matchAll(NAME_LEXEMES)) if (m[3]) names.add(m[3]);
  return names;
}

/** The top-level functions of one include's text, by their line ranges; throws on another layout. */
function functionsOf(where: string, lines: string[]): LuaFunction[] {
  const found: LuaFunction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = FUNCTION_START.exec(lines[i]!);
    if (!start) continue;
    let last = i;
    if (!/ end$/.test(lines[i]!)) {
      last = lines.indexOf('end', i + 1);
      const stray = lines.slice(i + 1, last < 0 ? undefined : last).find((line) => /^\S/.test(line));
      if (last < 0 || stray !== undefined)
        throw new Error(
          `Lua ${where}: function ${start[1]} does not end with an unindented "end" line before the next` +
            ` top-level line${stray === undefined ? '' : ` ("${stray}")`}`,
        );
    }
    let from = i;
    while (from > 0 && /^--(?!\[)/.test(lines[from - 1]!)) from--;
    found.push({ name: start[1]!, from, to: last + 1, uses: namesIn(lines.slice(i, last + 1).join('\n')) });
    i = last;
  }
  return found;
}

/**
 * The includes' texts (`where` names each in errors) without the functions neither the body,
 * nor the includes' other code, nor a function kept, calls.
 */
export function pruneUnusedFunctions(
  name: string,
  includes: Array<{ where: string; text: string }>,
  body: string,
): string[] {
  const parsed = includes.map(({ where, text }) => {
    const lines = text.split('\n');
    return { lines, functions: functionsOf(`${name}, include "${where}"`, lines) };
  });
  const byName = new Map(parsed.flatMap((p) => p.functions.map((f) => [f.name, f] as const)));
  const outside = parsed.map(({ lines, functions }) => {
    const inFunction = new Set(functions.flatMap((f) => Array.from({ length: f.to - f.from }, (_, k) => f.from + k)));
    return lines.filter((_, i) => !inFunction.has(i)).join('\n');
  });
  const kept = new Set<string>();
  const visit = (used: Set<string>) => {
    for (const candidate of used) {
      const fn = byName.get(candidate);
      if (fn && !kept.has(candidate)) {
        kept.add(candidate);
        visit(fn.uses);
      }
    }
  };
  visit(namesIn([body, ...outside].join('\n')));
  return parsed.map(({ lines, functions }) => {
    const dropped = new Set<number>();
    for (const fn of functions) if (!kept.has(fn.name)) for (let k = fn.from; k < fn.to; k++) dropped.add(k);
    return lines.filter((_, i) => !dropped.has(i)).join('\n');
  });
}
