// A tiny RESP client of its own for the bench's bookkeeping (INFO, FLUSHALL, MEMORY),
// so that these commands never show up in the libraries' request counts. Its own INFO and
// FLUSHALL calls are left out of the command totals (see commandsBetween).
import { connect } from 'node:net';

/** Parses one RESP reply at `pos`; returns [value, nextPos] or undefined when incomplete. */
function parse(buf, pos) {
  if (pos >= buf.length) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new Error(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}

function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return out;
}

/** Opens a stats connection to 127.0.0.1:port. */
export async function connectStats(port) {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  const waiting = [];
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const r = parse(buf, 0);
      if (!r) break;
      buf = buf.subarray(r[1]);
      const w = waiting.shift();
      if (r[0] instanceof Error) w?.reject(r[0]);
      else w?.resolve(r[0]);
    }
  });
  const call = (...args) =>
    new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      socket.write(encode(args));
    });
  return {
    call,
    close: () => socket.destroy(),
    /** INFO sections parsed into {section: {field: value}}; commandstats as {cmd: calls}. */
    async info() {
      const text = await call('INFO', 'everything');
      return parseInfo(text);
    },
    async flushAll() {
      await call('FLUSHALL');
    },
  };
}

export function parseInfo(text) {
  const out = { fields: {}, commandstats: {} };
  for (const raw of text.split('\r\n')) {
    if (!raw || raw.startsWith('#')) continue;
    const cut = raw.indexOf(':');
    const key = raw.slice(0, cut);
    const value = raw.slice(cut + 1);
    if (key.startsWith('cmdstat_')) {
      const calls = /calls=(\d+)/.exec(value);
      out.commandstats[key.slice(8)] = calls ? Number(calls[1]) : 0;
    } else {
      out.fields[key] = value;
    }
  }
  return out;
}

/** Redis CPU seconds (user + sys of the main process) in an INFO snapshot. */
export function cpuSeconds(info) {
  return Number(info.fields.used_cpu_user) + Number(info.fields.used_cpu_sys);
}

/**
 * Commands Redis executed between two INFO snapshots, by name, from INFO commandstats:
 * commands run inside Lua scripts count one each, and so does the EVALSHA that ran them.
 * The bench's own bookkeeping (INFO, FLUSHALL, CONFIG) is left out.
 */
export function commandsBetween(before, after) {
  const byCommand = {};
  let total = 0;
  for (const [name, calls] of Object.entries(after.commandstats)) {
    if (name === 'info' || name === 'flushall' || name.startsWith('config') || name.startsWith('memory')) continue;
    const d = calls - (before.commandstats[name] ?? 0);
    if (d > 0) {
      byCommand[name] = d;
      total += d;
    }
  }
  const scriptCalls = ['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro'].reduce(
    (s, c) => s + (byCommand[c] ?? 0),
    0,
  );
  return { total, scriptCalls, byCommand };
}

/** One snapshot: INFO and the local clock. */
export async function sample(stats) {
  const info = await stats.info();
  return { info, at: performance.timeOrigin + performance.now() };
}

/** Redis-side costs between two samples: CPU seconds, commands, memory delta. */
export function redisCost(a, b) {
  return {
    cpuSeconds: cpuSeconds(b.info) - cpuSeconds(a.info),
    wallSeconds: (b.at - a.at) / 1000,
    commands: commandsBetween(a.info, b.info),
    totalCommandsProcessed:
      Number(b.info.fields.total_commands_processed) - Number(a.info.fields.total_commands_processed),
    usedMemoryDelta: Number(b.info.fields.used_memory) - Number(a.info.fields.used_memory),
  };
}
