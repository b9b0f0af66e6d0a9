// Medians, ratios, shares of the ceiling: the printed table and the JSON summary.
import { FEATURE_ROWS, ROWS } from './rows.mjs';
import { CAPABILITIES } from './scenarios/capabilities.mjs';
import { median } from './util.mjs';

export const LIB_LABELS = { kue: 'Kue', bullmq: 'BullMQ', beequeue: 'Bee-Queue' };

/** The figures of the capabilities table, each also shown as a ratio to the plain drain. */
const CAPABILITY_FIGURES = [
  { key: 'jobsPerSec', label: 'jobs/s' },
  { key: 'redisCpuUsPerJob', label: 'Redis CPU µs/job', digits: 1 },
  { key: 'workerCpuUsPerJob', label: 'worker CPU µs/job', digits: 1 },
];

const medianOf = (runs, metric) => median((runs ?? []).filter((r) => r.ok !== false).map(metric));

/** {rowId: {lib: median}} plus the ceiling, from the collected runs. */
export function summarize(results, libs) {
  const medians = {};
  for (const row of ROWS) {
    if (!row.id) continue;
    medians[row.id] = {};
    for (const lib of libs) {
      const runs = results.runs[row.run]?.[lib];
      medians[row.id][lib] = medianOf(runs, row.metric);
      if (row.busy) medians[row.id][`${lib}.busy`] = medianOf(runs, row.busy);
    }
  }
  for (const row of FEATURE_ROWS) {
    medians[row.id] = {
      off: medianOf(results.runs[row.off]?.kue, row.metric),
      on: medianOf(results.runs[row.on]?.kue, row.metric),
    };
  }
  medians.capabilities = {};
  for (const { name } of CAPABILITIES) {
    const runs = results.runs[`capabilities-${name}`]?.kue;
    medians.capabilities[name] = Object.fromEntries(
      CAPABILITY_FIGURES.map(({ key }) => [key, medianOf(runs, (r) => r[key])]),
    );
  }
  return medians;
}

export function fmt(v, digits) {
  if (v == null || !Number.isFinite(v)) return '–';
  // Small non-zero figures (e.g. 0.001 requests per job) keep two significant digits.
  if (v !== 0 && Math.abs(v) < 0.1) return v.toPrecision(2);
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
export const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);

export function pad(cells, widths) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

/** The main table as text lines. */
export function table(medians, ceiling, libs, options) {
  const peers = libs.filter((l) => l !== 'kue');
  const header = [
    '',
    ...libs.map((l) => LIB_LABELS[l]),
    ...(libs.includes('kue') ? peers.map((p) => `Kue/${LIB_LABELS[p]}`) : []),
    'ceiling',
  ];
  const lines = [];
  const rows = [];
  for (const row of ROWS) {
    if (row.section) {
      rows.push({ section: row.section });
      continue;
    }
    const m = medians[row.id];
    const cells = [typeof row.label === 'function' ? row.label(options) : row.label];
    for (const lib of libs) {
      let cell = fmt(m[lib], row.digits);
      if (row.ceiling && ceiling?.[row.ceiling] && m[lib] != null)
        cell += ` (${fmt((100 * m[lib]) / ceiling[row.ceiling], 0)}%)`;
      if (row.rtt && ceiling?.pingP50Ms && m[lib] != null) cell += ` (${fmt(m[lib] / ceiling.pingP50Ms, 0)}×)`;
      if (row.busy && m[`${lib}.busy`] != null) cell += ` (${fmt(100 * m[`${lib}.busy`], 0)}%)`;
      cells.push(cell);
    }
    if (libs.includes('kue')) for (const p of peers) cells.push(row.noRatio ? '' : fmt(ratio(m.kue, m[p]), 2));
    let ceilingCell = '';
    if (row.ceiling && ceiling?.[row.ceiling]) ceilingCell = `${fmt(ceiling[row.ceiling], 0)} rps ${row.ceilingLabel}`;
    if (row.rtt && ceiling?.pingP50Ms) ceilingCell = `RTT ${fmt(ceiling.pingP50Ms, 3)} ms`;
    cells.push(ceilingCell);
    rows.push({ cells });
  }
  const widths = header.map((h, i) =>
    Math.max(String(h).length, ...rows.filter((r) => r.cells).map((r) => String(r.cells[i]).length)),
  );
  lines.push(pad(header, widths));
  for (const r of rows) lines.push(r.section ? `\n${r.section}` : pad(r.cells, widths));
  return lines;
}

export function featureTable(medians) {
  const lines = ['Kue features (jobEvents, priorities, ttl, progress on; search off) vs off (jobEvents off, defaults)'];
  const rows = FEATURE_ROWS.map((row) => {
    const m = medians[row.id];
    return [row.label, fmt(m.off, row.digits), fmt(m.on, row.digits), fmt(ratio(m.on, m.off), 2)];
  });
  const header = ['', 'off', 'on', 'on/off'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  lines.push(pad(header, widths), ...rows.map((r) => pad(r, widths)));
  return lines;
}

/** The capabilities scenario: each variant's figures and their ratios to the plain drain. */
export function capabilityTable(medians, n) {
  const plain = medians.capabilities?.plain ?? {};
  const rows = CAPABILITIES.map(({ name, label }) => {
    const m = medians.capabilities?.[name] ?? {};
    return [
      label,
      ...CAPABILITY_FIGURES.flatMap(({ key, digits }) => [fmt(m[key], digits), fmt(ratio(m[key], plain[key]), 2)]),
    ];
  });
  const header = ['', ...CAPABILITY_FIGURES.flatMap(({ label }) => [label, '/plain'])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  return [
    `Kue capabilities: process c50 drain of ${n} jobs, one capability in use at a time (Kue defaults otherwise)`,
    pad(header, widths),
    ...rows.map((r) => pad(r, widths)),
  ];
}
