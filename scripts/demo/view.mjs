// The demo's live view in the terminal, redrawn 4 times a second: jobs per state, a progress
// bar per active job and the latest events. When stdout is not a terminal it prints one line
// a second instead.
import { active, counts, events, refresh, run, STATES, stats } from './activity.mjs';

const out = process.stdout;
export const tty = Boolean(out.isTTY);
const color = tty && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text));
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const cyan = paint('36');
const STATE_COLORS = { inactive: cyan, waiting: dim, active: yellow, delayed: dim, complete: green, failed: red };
const EVENT_MARKS = {
  complete: green('✔'),
  retry: yellow('↻'),
  failed: red('✖'),
  error: red('!'),
  info: cyan('•'),
  flow: cyan('⋔'),
};
const EVENT_LINES = 8;

const startedAt = Date.now();

/** Writes to stdout, which may be gone (e.g. `npm run demo | head`). */
export function write(text) {
  try {
    out.write(text);
  } catch {
    // stdout is closed: there is no one left to tell.
  }
}

const clock = (d = new Date()) => d.toTimeString().slice(0, 8);

function uptime() {
  const s = Math.floor((Date.now() - startedAt) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Cuts a line to `width` visible characters, leaving ANSI sequences whole. */
function fit(line, width) {
  let visible = 0;
  let result = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      result += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= width) {
      return color ? `${result}\x1b[0m` : result;
    }
    result += line[i];
    visible++;
  }
  return result;
}

function bar(pct, width) {
  const full = Math.round((Math.max(0, Math.min(100, pct)) / 100) * width);
  return green('█'.repeat(full)) + dim('░'.repeat(width - full));
}

/** What the header says: {redisPort, dataDir, dashboardUrl}. */
let header = {};

function frame(status) {
  const columns = out.columns || 100;
  const rows = out.rows || 30;
  const narrow = columns < 80;
  const lines = [];
  lines.push(`${bold('kue demo')}  Redis 127.0.0.1:${header.redisPort}  data in ${header.dataDir}  up ${uptime()}`);
  if (header.dashboardUrl) lines.push(`Dashboard: ${header.dashboardUrl}`);
  lines.push(dim(status));
  lines.push('');
  lines.push(
    ' ' +
      STATES.map((s) => `${s} ${STATE_COLORS[s](bold(String(counts[s]).padStart(narrow ? 3 : 4)))}`).join(
        narrow ? '  ' : '   ',
      ),
  );
  lines.push(
    dim(
      ` this run: ${stats.produced} created, ${stats.completed} completed, ${stats.retried} retried, ${stats.failed} failed` +
        (stats.stalled ? `, ${stats.stalled} stalled` : ''),
    ),
  );
  lines.push('');
  // What is left of the screen goes to the active jobs first, keeping a few event lines.
  const jobs = [...active.values()].sort((a, b) => a.id - b.id);
  const left = rows - 1 - lines.length - 3; // 3: the two section titles and a blank line
  const minEvents = Math.min(EVENT_LINES, Math.max(1, Math.floor(left / 3)));
  let jobRoom = Math.max(1, left - minEvents);
  if (jobs.length > jobRoom) jobRoom = Math.max(1, jobRoom - 1); // room for the "... more" line
  const jobLines = Math.max(1, Math.min(jobs.length, jobRoom) + (jobs.length > jobRoom ? 1 : 0));
  const eventRoom = Math.max(1, Math.min(EVENT_LINES, left - jobLines));
  const barWidth = narrow ? 12 : 24;
  lines.push(bold(`Active jobs (${jobs.length})`));
  if (jobs.length === 0) lines.push(dim('  (none)'));
  for (const job of jobs.slice(0, jobRoom)) {
    lines.push(
      `  ${`#${job.id}`.padEnd(7)} ${job.type.padEnd(16)} ${bar(job.pct, barWidth)} ${String(job.pct).padStart(3)}%  ${dim(job.note)}`,
    );
  }
  if (jobs.length > jobRoom) lines.push(dim(`  ... and ${jobs.length - jobRoom} more`));
  lines.push('');
  lines.push(bold('Recent events'));
  const recent = events.slice(-eventRoom);
  if (recent.length === 0) lines.push(dim('  (waiting for the first job to finish)'));
  for (const e of recent) lines.push(`  ${dim(clock(e.at))} ${EVENT_MARKS[e.kind] ?? ' '} ${e.text}`);
  return lines.slice(0, Math.max(1, rows - 1)).map((l) => fit(l, columns - 1));
}

let drawnLines = 0;

/** Redraws the view in place (a terminal only). */
export function draw(status = 'Ctrl-C to stop') {
  const lines = frame(status);
  // Back to the frame's first line, rewrite every line, clear what is left below.
  const up = drawnLines > 0 ? `\x1b[${drawnLines}F` : '\r';
  write(`${up}${lines.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
  drawnLines = lines.length;
}

function summaryLine() {
  const state = STATES.map((s) => `${s}=${counts[s]}`).join(' ');
  return (
    `${clock()} ${state} | this run: created=${stats.produced} completed=${stats.completed} ` +
    `retried=${stats.retried} failed=${stats.failed} active jobs=${[...active.values()].map((j) => `#${j.id}:${j.pct}%`).join(',') || '-'}\n`
  );
}

let ticker;

/** Starts the view; `info` is what its header says: {redisPort, dataDir, dashboardUrl}. */
export function startView(queue, info) {
  header = info;
  if (tty) {
    write('\x1b[?25l'); // hide the cursor while the view is live
    out.on('resize', () => {
      write('\x1b[2J\x1b[H');
      drawnLines = 0;
    });
    ticker = setInterval(() => {
      if (run.stopping) return;
      void refresh(queue);
      draw();
    }, 250);
  } else {
    ticker = setInterval(() => {
      if (run.stopping) return;
      void refresh(queue).then(() => {
        if (!run.stopping) write(summaryLine());
      });
    }, 1_000);
  }
}

/** Stops redrawing; `status` says why, in a last frame, when the view had started. */
export function stopView(status) {
  clearInterval(ticker);
  if (tty && ticker) draw(status);
}

/** Gives the terminal its cursor back. */
export function restoreTerminal() {
  if (tty) write('\x1b[?25h');
}
