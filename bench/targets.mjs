// The targets of issue 21: each one a bar for the ratio of Kue's figure to the best peer's
// figure of the same run, since on a shared machine only figures measured minutes apart
// compare fairly.
import { fmt, LIB_LABELS, pad, ratio } from './report.mjs';

/**
 * Redis CPU per job of the single-enqueue scenario plus that of the multi-worker drain: what
 * Redis spends on a job's whole life. A library whose workers scenario did not run counts
 * its process c50 drain instead.
 */
function redisCpuPerJobLife(medians, lib) {
  const enqueue = medians['cpu.enqueue.single']?.[lib];
  const workers = medians['cpu.workers']?.[lib];
  const processing = workers ?? medians['cpu.process.c50']?.[lib];
  if (enqueue == null || processing == null) return { value: null };
  return { value: enqueue + processing, drain: workers == null ? 'process c50' : 'workers' };
}

const fromRow = (id) => (medians, lib) => ({ value: medians[id]?.[lib] ?? null });

/** `ratio` is the most (better 'lower') or the least (better 'higher') Kue / best peer may be. */
const TARGETS = [
  { figure: () => 'process, concurrency 50, jobs/s', of: fromRow('process.c50'), better: 'higher', ratio: 1.5 },
  { figure: () => 'process, concurrency 1, jobs/s', of: fromRow('process.c1'), better: 'higher', ratio: 1.5 },
  { figure: () => 'single enqueue, jobs/s', of: fromRow('enqueue.single'), better: 'higher', ratio: 1.0 },
  { figure: () => 'bulk enqueue (saveAll), jobs/s', of: fromRow('enqueue.bulk'), better: 'higher', ratio: 1.0 },
  {
    figure: (o) => `handler start p99 at ${o.rate} jobs/s, ms`,
    of: fromRow('latency.start.p99'),
    better: 'lower',
    ratio: 0.75,
  },
  {
    figure: (o) => `completion event p99 at ${o.rate} jobs/s, ms`,
    of: fromRow('latency.completion.p99'),
    better: 'lower',
    ratio: 0.75,
  },
  { figure: () => 'Redis CPU per job, enqueue + process, µs †', of: redisCpuPerJobLife, better: 'lower', ratio: 0.5 },
  {
    figure: () => 'memory per waiting job, 100 B payload, B',
    of: fromRow('memory.waiting'),
    better: 'lower',
    ratio: 1.15,
  },
];

/**
 * Each target with Kue's figure, the best peer's (the better of BullMQ and Bee-Queue in this
 * run), their ratio and whether it meets the bar; `met` is null when a figure is missing.
 */
export function targets(medians, libs, options) {
  const peers = libs.filter((l) => l !== 'kue');
  return TARGETS.map((t) => {
    const kue = t.of(medians, 'kue');
    let best = null;
    for (const lib of peers) {
      const { value } = t.of(medians, lib);
      if (value == null) continue;
      if (best == null || (t.better === 'higher' ? value > best.value : value < best.value)) best = { lib, value };
    }
    const r = ratio(kue.value, best?.value);
    const drains = [kue, ...peers.map((lib) => t.of(medians, lib))].map((f) => f.drain).filter(Boolean);
    return {
      figure: t.figure(options),
      kue: kue.value,
      bestPeer: best?.lib ?? null,
      bestPeerValue: best?.value ?? null,
      ratio: r,
      better: t.better,
      target: t.ratio,
      met: r == null ? null : t.better === 'higher' ? r >= t.ratio : r <= t.ratio,
      ...(drains.length > 0 ? { drains: [...new Set(drains)] } : {}),
    };
  });
}

/** The targets as text lines, with the footnotes that define them. */
export function targetLines(list, options) {
  const rows = list.map((t) => [
    t.figure,
    fmt(t.kue),
    t.bestPeer == null ? '–' : `${fmt(t.bestPeerValue)} ${LIB_LABELS[t.bestPeer]}`,
    fmt(t.ratio, 2),
    `${t.better === 'higher' ? '≥' : '≤'} ${t.target.toFixed(2)}`,
    t.met == null ? '?' : t.met ? 'met' : 'NOT met',
  ]);
  const header = ['target (issue 21)', 'Kue', 'best peer', 'Kue/peer', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const drains = list.find((t) => t.drains)?.drains ?? [];
  return [
    pad(header, widths),
    ...rows.map((r) => pad(r, widths)),
    'best peer: the better of BullMQ and Bee-Queue in this run for that row (the lower for latency, CPU, memory).',
    `† Redis CPU per job of the single-enqueue scenario plus that of the multi-worker drain (the workers scenario, ${options.workers} worker processes × concurrency ${options.workerConcurrency}), per library; process c50 stands in where the workers scenario did not run${drains.length > 0 ? ` (drain counted here: ${drains.join(', ')})` : ''}.`,
  ];
}
