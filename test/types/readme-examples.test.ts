// The documentation's examples compile, with zero errors, as a strict TypeScript program
// against the BUILT package (run `npm run build` first; `npm test` does).
//
// How: every ```js and ```ts block of README.md and docs/*.md becomes one file of a temporary
// project that has kue installed (test/support/consumer-project.ts). A block that calls
// `require(` is CommonJS and is written as it stands (`.cts`); any other block is an ES module
// (`.mts`) and gets the line `import kue from 'kue';` first, unless it imports kue itself.
// Examples use names they do not declare (`queue`, `job`, `sendEmail`, mocha's `it`, ...):
// PREAMBLE declares them once, as globals, and a block's own declaration shadows them. A new
// example that uses another such name adds it to PREAMBLE. A block right after a line
// `<!-- not type-checked: <why> -->` is left out. Errors name the document's line.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { typeCheckProject } from '../support/consumer-project.js';

const DOCUMENTS = [
  'README.md',
  ...readdirSync(new URL('../../docs', import.meta.url))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

// The ES module declarations of kue (this file is a CommonJS script, whose plain
// import('kue') would be the CommonJS ones: the same classes, declared twice).
const KUE = `import('kue', { with: { 'resolution-mode': 'import' } })`;
const PREAMBLE = `
// What the documentation's examples use without declaring it.
declare const queue: ${KUE}.Queue;
declare const job: ${KUE}.SavedJob;
declare const id: number;
declare const data: { [key: string]: unknown };
declare const users: Array<{ email: string }>;
declare const user: { name: string };
declare const amount: number;
declare const frames: number;
declare const totalFrames: number;
declare const frame: number;
declare const frameNumbers: number[];
declare const ca: string;
declare const app: import('express').Express;
declare const Redis: typeof import('ioredis').default;
declare function sendEmail(to: string): Promise<unknown>;
declare function post(data: unknown): Promise<Response>;
declare function overloaded(): boolean;
declare function draw(data: unknown): Promise<string>;
declare function encode(parts: unknown[]): Promise<string>;
declare function transcode(data: unknown, options: { signal: AbortSignal }): Promise<unknown>;
// mocha and chai, for the test mode example.
declare function before(fn: () => void): void;
declare function after(fn: () => void): void;
declare function afterEach(fn: () => void): void;
declare function it(title: string, fn: () => void): void;
declare function expect(value: unknown): { to: { equal(expected: unknown): void } };
`;

interface Example {
  document: string;
  /** The document's line of the block's first line of code. */
  line: number;
  code: string;
}

/** The ```js and ```ts blocks of a Markdown document (also indented ones, in lists). */
function examples(document: string): Example[] {
  const lines = readFileSync(new URL(`../../${document}`, import.meta.url), 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^( *)```(\w*)$/.exec(lines[i]!);
    if (!fence) continue;
    const [, indent = '', language = ''] = fence;
    const end = lines.findIndex((l, j) => j > i && l === indent + '```');
    const skipped = lines[i - 1]?.trim().startsWith('<!-- not type-checked');
    if (['js', 'ts', 'javascript', 'typescript'].includes(language) && !skipped) {
      const code = lines.slice(i + 1, end).map((l) => l.slice(indent.length));
      found.push({ document, line: i + 2, code: code.join('\n') });
    }
    i = end;
  }
  return found;
}

describe('the documentation', () => {
  it('compiles every JavaScript and TypeScript example as a strict TypeScript consumer of the built package', async () => {
    const all = DOCUMENTS.flatMap(examples);
    expect(all.length).toBeGreaterThan(20);
    const files: Record<string, string> = { 'preamble.d.ts': PREAMBLE };
    /** Where a file's lines come from: its name to [document, line of its first line]. */
    const origin = new Map<string, [string, number]>();
    for (const example of all) {
      const commonJs = example.code.includes('require(');
      const importsKue = /^import .* from 'kue';/m.test(example.code);
      const header = commonJs || importsKue ? '' : "import kue from 'kue';\n";
      const name = `${example.document.replace(/\W/g, '-')}-${example.line}.${commonJs ? 'cts' : 'mts'}`;
      files[name] = header + example.code + '\n';
      origin.set(name, [example.document, example.line - (header ? 1 : 0)]);
    }
    const { code, output } = await typeCheckProject(files, {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: true,
      types: ['node'],
    });
    // "README-md-52.mts(3,7): error ..." -> "README.md:54:7: error ...".
    const located = output.replace(/^([\w.-]+)\((\d+),(\d+)\)/gm, (text, file: string, row: string, col: string) => {
      const from = origin.get(file);
      return from ? `${from[0]}:${from[1] + Number(row) - 1}:${col}` : text;
    });
    expect({ code, errors: located }).toEqual({ code: 0, errors: '' });
  }, 60_000);
});
