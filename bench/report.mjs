// Medians, ratios, shares of the ceiling: the printed table and the JSON summary.
import { FEATURE_ROWS, ROWS } from './rows.mjs';
import { median } from './util.mjs';

export const LIB_LABELS = { kue: 'Kue', bullmq: 'BullMQ', beequeue: 'Bee-Queue' };

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
  return medians;
}

function fmt(v, digits) {
  if (v == null || !Number.isFinite(v)) return '–';
  // Small non-zero figures (e.g. 0.001 requests per job) keep two significant digits.
  if (v !== 0 && Math.abs(v) < 0.1) return v.toPrecision(2);
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);

function pad(cells, widths) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

/** The main table as text lines. */
export function table(medians, ceiling, libs) {
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
    const cells = [row.label];
    for (const lib of libs) {
      let cell = fmt(m[lib], row.digits);
      if (row.ceiling && ceiling?.[row.ceiling] && m[lib] != null)
        cell += ` (${fmt((100 * m[lib]) / ceiling[row.ceiling], 0)}%)`;
      if (row.rtt && ceiling?.pingP50Ms && m[lib] != null) cell += ` (${fmt(m[lib] / ceiling.pingP50Ms, 0)}×)`;
      if (row.busy && m[`${lib}.busy`] != null) cell += ` (${fmt(100 * m[`${lib}.busy`], 0)}%)`;
      cells.push(cell);
    }
    if (libs.includes('kue')) for (const p of peers) cells.push(fmt(ratio(m.kue, m[p]), 2));
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

/** The issue's targets, each with Kue's figure, the bar and whether it is met. */
export function targets(medians, libs) {
  const m = (id, lib) => medians[id]?.[lib] ?? null;
  const peers = libs.filter((l) => l !== 'kue');
  const best = (id, better) => {
    const vals = peers.map((p) => m(id, p)).filter((v) => v != null);
    if (vals.length === 0) return null;
    return better === 'higher' ? Math.max(...vals) : Math.min(...vals);
  };
  const out = [];
  const add = (name, value, bar, ok, unit = '') =>
    out.push({ name, value, bar, met: value == null || bar == null ? null : ok(value, bar), unit });
  const ge = (v, b) => v >= b;
  const le = (v, b) => v <= b;
  for (const c of ['c1', 'c50']) {
    const b = best(`process.${c}`, 'higher');
    add(`process ${c} ≥ 1.5 × best peer`, m(`process.${c}`, 'kue'), b == null ? null : 1.5 * b, ge, ' jobs/s');
  }
  add('single enqueue ≥ 1.0 × Bee-Queue', m('enqueue.single', 'kue'), m('enqueue.single', 'beequeue'), ge, ' jobs/s');
  add('bulk enqueue ≥ 1.0 × Bee-Queue saveAll', m('enqueue.bulk', 'kue'), m('enqueue.bulk', 'beequeue'), ge, ' jobs/s');
  add('latency start p50 ≤ 1 ms', m('latency.start.p50', 'kue'), 1, le, ' ms');
  for (const id of ['latency.start.p99', 'latency.completion.p99']) {
    const b = best(id, 'lower');
    add(`${id.replace('latency.', '')} ≤ 0.75 × best peer`, m(id, 'kue'), b == null ? null : 0.75 * b, le, ' ms');
  }
  // To the precision printed: a producer's one-off requests (its SUBSCRIBE) are not per job.
  const perJob = (v) => (v == null ? v : Math.round(v * 100) / 100);
  add('requests per enqueue (single) ≤ 1', perJob(m('requests.enqueue.single', 'kue')), 1, le);
  add('requests per enqueue (bulk, amortised) ≤ 1', m('requests.enqueue.bulk', 'kue'), 1, le);
  for (const c of ['c1', 'c50']) add(`requests per processed job ${c} ≤ 2`, m(`requests.process.${c}`, 'kue'), 2, le);
  for (const id of ['cpu.enqueue.single', 'cpu.enqueue.bulk', 'cpu.process.c1', 'cpu.process.c50']) {
    const b = best(id, 'lower');
    add(
      `Redis CPU/job ${id.replace('cpu.', '')} ≤ 0.5 × best peer`,
      m(id, 'kue'),
      b == null ? null : 0.5 * b,
      le,
      ' µs',
    );
  }
  add('memory per waiting job ≤ 450 B', m('memory.waiting', 'kue'), 450, le, ' B');
  for (const id of ['features.enqueue', 'features.process']) {
    const f = medians[id];
    add(`${id.replace('features.', '')}: features on ≥ 0.9 × off`, ratio(f?.on, f?.off), 0.9, ge, '×');
  }
  return out;
}

export function targetLines(list) {
  const rows = list.map((t) => [
    t.name,
    `${fmt(t.value)}${t.unit}`,
    t.bar == null ? '–' : `${fmt(t.bar)}${t.unit}`,
    t.met == null ? '?' : t.met ? 'met' : 'NOT met',
  ]);
  const header = ['target', 'Kue', 'bar', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  return [pad(header, widths), ...rows.map((r) => pad(r, widths))];
}
