import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Every module under src/ and the src/ modules it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const files = (readdirSync(src, { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.split('\\').join('/'));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true);
    const deps = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) =>
        relative(src, resolve(src, dirname(file), name))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts'),
      )
      .filter((dep) => known.has(dep));
    graph.set(file, deps);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const status = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    status.set(node, 'open');
    path.push(node);
    for (const dep of graph.get(node) ?? []) {
      if (status.get(dep) === 'open') found.push([...path.slice(path.indexOf(dep)), dep]);
      else if (!status.has(dep)) visit(dep);
    }
    path.pop();
    status.set(node, 'done');
  };
  for (const node of graph.keys()) if (!status.has(node)) visit(node);
  return found;
}

/**
 * The layers of docs/architecture.md, bottom up: a module may import its own layer and the
 * ones below it. Files at the top of src/ other than the entry points (errors, defaults,
 * logger, version) are shared by every layer.
 */
const LAYERS = ['store|tracing', 'events|maintenance|worker', 'sandbox', 'queue', 'http', 'cli'];
const ENTRY_POINTS = new Set(['index.ts', 'cjs.ts']);

function layerOf(file: string): number {
  if (ENTRY_POINTS.has(file)) return LAYERS.length;
  const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : '';
  if (folder === '') return -1;
  const rank = LAYERS.findIndex((names) => names.split('|').includes(folder));
  if (rank < 0) throw new Error(`src/${folder}/ is in no layer: add it to LAYERS`);
  return rank;
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('is read (sanity: the queue imports the store)', () => {
    expect(graph.get('queue/queue.ts')).toContain('store/store.ts');
  });

  it('has no import cycle', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('points down the layers only (and workers, events and maintenance do not import each other)', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        const [from, to] = [layerOf(file), layerOf(dep)];
        const sideways = from === to && from >= 0 && from < LAYERS.length && file.split('/')[0] !== dep.split('/')[0];
        if (to > from || sideways || (from === -1 && to !== -1)) wrong.push(`${file} -> ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
