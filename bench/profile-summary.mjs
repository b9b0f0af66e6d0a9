// Prints the top self-time functions of a V8 .cpuprofile (node --cpu-prof), and how the busy
// time splits between Kue's code, ioredis, other packages and Node/V8 internals. Frames in
// dist/ are mapped back to src/ through the bundle's source map when it is there. When
// <file>.window.json is there (written by the bench's worker child), only the samples taken
// between the start and stop signals count: module loading, connecting and the wait for the
// prefill are left out.
//
//   node bench/profile-summary.mjs bench/results/kue-worker-c50.cpuprofile [--top 25]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const IOREDIS_PARTS = [
  'ioredis',
  'redis-parser',
  'redis-errors',
  'denque',
  'standard-as-callback',
  'cluster-key-slot',
  '@ioredis',
];

function packageOf(url) {
  const i = url.lastIndexOf('node_modules/');
  if (i < 0) return null;
  const rest = url.slice(i + 'node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/** Which part of the stack a frame belongs to. */
function category(frame) {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(program)') return 'v8/native (program)';
  const pkg = packageOf(url);
  if (pkg) return IOREDIS_PARTS.includes(pkg) || pkg.startsWith('@ioredis') ? 'ioredis' : `dep: ${pkg}`;
  if (/\/dist\/[^/?]+\.c?js(\?.*)?$/.test(url) && !url.includes('node_modules')) return 'kue';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'other';
}

const maps = new Map();
function sourceMapFor(url) {
  if (!maps.has(url)) {
    let map = null;
    try {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

function location(frame) {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return '';
  const map = url.includes('/dist/') && !url.includes('node_modules') ? sourceMapFor(url.split('?')[0]) : null;
  if (map && lineNumber >= 0) {
    const e = map.findEntry(lineNumber, columnNumber);
    if (e && e.originalSource) {
      const src = e.originalSource.replace(/^.*?(src\/)/, '$1');
      return `${src}:${e.originalLine + 1}`;
    }
  }
  const short = url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(dist|bench)\//, '$1/');
  return `${short}:${lineNumber + 1}`;
}

/** Self time per function and per category, in ms (within the window file's bounds, if any). */
export function analyse(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const windowFile = `${file}.window.json`;
  const window = existsSync(windowFile) ? JSON.parse(readFileSync(windowFile, 'utf8')) : null;
  const from = window?.startUs ?? -Infinity;
  const to = window?.stopUs ?? Infinity;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) continue;
    const id = profile.samples[i];
    // timeDeltas[i] is the time since the previous sample: charge it to the sample after.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const functions = new Map();
  const categories = new Map();
  let busy = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const frame = byId.get(id).callFrame;
    const cat = category(frame);
    if (cat === 'idle') {
      idle += ms;
      continue;
    }
    busy += ms;
    categories.set(cat, (categories.get(cat) ?? 0) + ms);
    const name = frame.functionName || '(anonymous)';
    const key = `${name}\u0000${location(frame)}`;
    const f = functions.get(key) ?? { name, location: location(frame), category: cat, ms: 0 };
    f.ms += ms;
    functions.set(key, f);
  }
  const wall = (Math.min(to, profile.endTime) - Math.max(from, profile.startTime)) / 1000;
  return {
    wallMs: wall,
    windowed: Boolean(window),
    busyMs: busy,
    idleMs: idle,
    categories: [...categories].map(([name, ms]) => ({ name, ms, share: ms / busy })).sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()].sort((a, b) => b.ms - a.ms).map((f) => ({ ...f, share: f.ms / busy })),
  };
}

export function summaryLines(file, { top = 25 } = {}) {
  const a = analyse(file);
  const pct = (x) => `${(100 * x).toFixed(1).padStart(5)}%`;
  const lines = [
    `${file}`,
    `  ${a.windowed ? 'processing window' : 'whole run'}: wall ${a.wallMs.toFixed(0)} ms, busy ${a.busyMs.toFixed(0)} ms (${pct(a.busyMs / (a.busyMs + a.idleMs)).trim()} of samples), idle ${a.idleMs.toFixed(0)} ms`,
    '  busy time by origin:',
    ...a.categories.map((c) => `    ${pct(c.share)}  ${c.ms.toFixed(0).padStart(7)} ms  ${c.name}`),
    `  top ${top} functions by self time (share of busy time):`,
    ...a.functions
      .slice(0, top)
      .map(
        (f) =>
          `    ${pct(f.share)}  ${f.ms.toFixed(1).padStart(8)} ms  ${f.name.padEnd(34)} ${f.category.padEnd(16)} ${f.location}`,
      ),
  ];
  const ours = a.functions.filter((f) => f.category === 'kue').slice(0, 10);
  if (ours.length > 0) {
    lines.push('  top Kue functions:');
    for (const f of ours)
      lines.push(`    ${pct(f.share)}  ${f.ms.toFixed(1).padStart(8)} ms  ${f.name.padEnd(34)} ${f.location}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args.splice(t, 2)[1]) : 25;
  if (args.length === 0) {
    console.error('usage: node bench/profile-summary.mjs <file.cpuprofile>... [--top n]');
    process.exit(2);
  }
  for (const file of args) console.log(summaryLines(file, { top }).join('\n'), '\n');
}
