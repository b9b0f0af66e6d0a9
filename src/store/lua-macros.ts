/**
 * Writes calls of an include's one-expression functions (`key_job(base, id)`, `int(n)`) as
 * that expression, so the script neither makes the function on every call (see
 * lua-pruning.ts, which then leaves the unused definition out) nor pays a Lua call where a
 * concatenation does. A function qualifies when its whole body is `return <expression>` and
 * the expression names nothing but its parameters and Lua's own libraries: then the same
 * expression means the same at any call site. A call is rewritten when its arguments can be
 * evaluated in a different order or more than once without changing anything (names, fields,
 * numbers, strings), or when each parameter appears exactly once and in order in the
 * expression; other calls stay calls.
 */

const ONE_EXPRESSION = /^local function (\w+)\(([\w, ]*)\)(?: return (.+) end|\n {2}return (.+)\nend)$/gm;
// Comments and strings, where a name is not code, or a name not preceded by `.` or `:`.
const LEXEMES =
  /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|(?<![\w.:])([A-Za-z_]\w*)/g;
const LUA_LIBRARIES = new Set(['string', 'math', 'table', 'tostring', 'tonumber']);
const OPERATORS = new Set(['and', 'or', 'not', 'nil', 'true', 'false']);
const SIMPLE_ARGUMENT = /^(?:[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?|'[^'\\\n]*'|"[^"\\\n]*")$/;
const MAX_NESTING = 8;

export interface LuaMacro {
  params: string[];
  expression: string;
  /** Each parameter appears exactly once in the expression, in the order they are declared. */
  onceInOrder: boolean;
}

/** The one-expression functions defined at the top level of some Lua text. */
export function findMacros(lua: string): Map<string, LuaMacro> {
  const macros = new Map<string, LuaMacro>();
  for (const m of lua.matchAll(ONE_EXPRESSION)) {
    const params = m[2]!
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const expression = (m[3] ?? m[4]!).trim();
    const uses: string[] = [];
    let pure = true;
    for (const lexeme of expression.matchAll(LEXEMES)) {
      const name = lexeme[3];
      if (name === undefined) continue;
      if (params.includes(name)) uses.push(name);
      else if (!LUA_LIBRARIES.has(name) && !OPERATORS.has(name)) pure = false;
    }
    if (!pure) continue;
    macros.set(m[1]!, { params, expression, onceInOrder: uses.join(',') === params.join(',') });
  }
  return macros;
}

/** The arguments of the call whose `(` is at `open`, and the index after its `)`; null if unbalanced. */
function callArguments(lua: string, open: number): { args: string[]; end: number } | null {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < lua.length; i++) {
    const c = lua[i]!;
    if (c === "'" || c === '"') {
      for (i++; i < lua.length && lua[i] !== c; i++) if (lua[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        const last = lua.slice(start, i).trim();
        if (last !== '' || args.length > 0) args.push(last);
        return { args, end: i + 1 };
      }
    } else if (c === ',' && depth === 1) {
      args.push(lua.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

/** The macro's expression with these arguments, or null when the call must stay a call. */
function expansion(macro: LuaMacro, args: string[]): string | null {
  if (args.length > macro.params.length) return null;
  const simple = args.every((arg) => SIMPLE_ARGUMENT.test(arg));
  if (!simple && !macro.onceInOrder) return null;
  const value = (param: string) => {
    const arg = args[macro.params.indexOf(param)] ?? 'nil';
    return SIMPLE_ARGUMENT.test(arg) ? arg : `(${arg})`;
  };
  const body = macro.expression.replace(LEXEMES, (lexeme, _a, _b, name?: string) =>
    name !== undefined && macro.params.includes(name) ? value(name) : lexeme,
  );
  return `(${body})`;
}

/** One pass: each macro call outside comments and strings written as its expression. */
function expandOnce(lua: string, macros: Map<string, LuaMacro>): string {
  let out = '';
  let copied = 0;
  for (const m of lua.matchAll(LEXEMES)) {
    const name = m[3];
    const macro = name === undefined ? undefined : macros.get(name);
    if (!macro || m.index < copied || /function\s+$/.test(lua.slice(Math.max(0, m.index - 12), m.index))) continue;
    const open = /^\s*\(/.exec(lua.slice(m.index + name!.length));
    if (!open) continue;
    const call = callArguments(lua, m.index + name!.length + open[0].length - 1);
    const written = call && expansion(macro, call.args);
    if (!call || written === null) continue;
    out += lua.slice(copied, m.index) + written;
    copied = call.end;
  }
  return out + lua.slice(copied);
}

/** Lua text with every macro call written as its expression, calls in arguments too. */
export function expandMacros(where: string, lua: string, macros: Map<string, LuaMacro>): string {
  if (macros.size === 0) return lua;
  let text = lua;
  for (let pass = 0; pass < MAX_NESTING; pass++) {
    const next = expandOnce(text, macros);
    if (next === text) return text;
    text = next;
  }
  throw new Error(`Lua ${where}: macro calls nested deeper than ${MAX_NESTING}`);
}
