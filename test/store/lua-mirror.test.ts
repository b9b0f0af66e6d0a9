// What both sides must agree on, checked by running the Lua in Redis: the key names the keys
// include builds against the class Keys, the ids per bitmap, and the Lua STATUS table against
// ScriptStatus.
import { describe, expect, it } from 'vitest';
import { JOB_STATES, keyBase, Keys, PRESENT_SPAN } from '../../src/store/keys.js';
import { assemble } from '../../src/store/lua-assembly.js';
import { ScriptStatus } from '../../src/store/script-status.js';
import { luaIncludes } from '../../src/store/scripts.js';
import { redisClient } from '../support/setup.js';

const samples = {
  types: ['email', 'video: encode 4k', 'a:b:c', 'ünï {code} ✓'],
  ids: ['1', '42', '12345678901234'],
  spans: [0, 1, 1_507, 1_220_703_124],
  minutes: [0, 29_412_345],
  words: ['hello', 'x:y', 'wörd'],
  schedules: ['nightly-report', 'a b:c', 'ünï {x} ✓'],
  groups: ['tenant-42', 'a:jobs:b', 'ünï ✓'],
  uniques: ['sync:7', 'a b', 'ünï {x} ✓'],
  calls: ['Zk3x9_QpLm2A.1f', 'x'],
  locks: ['host:42:ab12cd34/7:3'],
};
const TYPE_PARTS = ['grouped', 'groups', 'group-active', 'group-paused', 'group-held', 'group-waiting'] as const;

// Every member of Keys, each applied to every sample it takes, in the order the Lua below
// builds them.
function typescriptSide(base: string): Record<string, string | string[]> {
  const k = new Keys(base);
  return {
    ids: k.ids,
    presentSpans: k.presentSpans,
    types: k.types,
    paused: k.paused,
    limited: k.limited,
    workTime: k.workTime,
    stream: k.stream,
    timers: k.timers,
    cancel: k.cancel,
    schedules: k.schedules,
    cascade: k.cascade,
    metricsLease: k.metricsLease,
    metricsNamed: k.metricsNamed,
    metrics: samples.types.map((type) => k.metrics(type)),
    schedule: samples.schedules.map((id) => k.schedule(id)),
    job: samples.ids.map((id) => k.job(id)),
    log: samples.ids.map((id) => k.log(id)),
    errors: samples.ids.map((id) => k.errors(id)),
    pending: samples.ids.map((id) => k.pending(id)),
    results: samples.ids.map((id) => k.results(id)),
    childErrors: samples.ids.map((id) => k.childErrors(id)),
    present: samples.spans.map((span) => k.present(span)),
    state: JOB_STATES.flatMap((state) => [k.state(state), ...samples.types.map((type) => k.state(state, type))]),
    search: samples.words.map((word) => k.search(word)),
    minute: samples.minutes.map((minute) => k.minute(minute)),
    wake: samples.types.map((type) => k.wake(type)),
    flow: samples.types.map((type) => k.flow(type)),
    starts: samples.types.map((type) => k.starts(type)),
    typeGroups: samples.types.flatMap((type) => TYPE_PARTS.map((part) => k.typeGroups(type, part))),
    group: samples.types.flatMap((type) =>
      samples.groups.flatMap((g) => [k.group(type, 'jobs', g), k.group(type, 'starts', g)]),
    ),
    unique: samples.uniques.map((key) => k.unique(key)),
    cancelled: samples.locks.map((lock) => k.cancelled(lock)),
    saved: samples.calls.map((call) => k.saved(call)),
  };
}

const luaSide = `--@include keys
local base, s = ARGV[1], cjson.decode(ARGV[2])
local function each(list, build)
  local out = {}
  for i, v in ipairs(list) do out[i] = build(v) end
  return out
end
local type_groups, groups = {}, {}
for _, jtype in ipairs(s.types) do
  for _, part in ipairs(s.typeParts) do type_groups[#type_groups + 1] = key_state(base, part, jtype) end
  for _, g in ipairs(s.groups) do
    groups[#groups + 1] = key_group(base, jtype, 'jobs', g)
    groups[#groups + 1] = key_group(base, jtype, 'starts', g)
  end
end
local states = {}
for _, state in ipairs(s.states) do
  states[#states + 1] = key_state(base, state)
  for _, jtype in ipairs(s.types) do states[#states + 1] = key_state(base, state, jtype) end
end
return cjson.encode({
  ids = key_ids(base),
  presentSpans = key_present_spans(base),
  types = key_types(base),
  paused = key_paused(base),
  limited = key_limited(base),
  workTime = key_work_time(base),
  stream = key_stream(base),
  timers = key_timers(base),
  cancel = key_cancel(base),
  schedules = key_schedules(base),
  cascade = key_cascade(base),
  metricsLease = key_metrics_lease(base),
  metricsNamed = key_metrics_named(base),
  metrics = each(s.types, function(jtype) return key_metrics(base, jtype) end),
  schedule = each(s.schedules, function(id) return key_schedule(base, id) end),
  job = each(s.ids, function(id) return key_job(base, id) end),
  log = each(s.ids, function(id) return key_log(base, id) end),
  errors = each(s.ids, function(id) return key_errors(base, id) end),
  pending = each(s.ids, function(id) return key_pending(base, id) end),
  results = each(s.ids, function(id) return key_results(base, id) end),
  childErrors = each(s.ids, function(id) return key_child_errors(base, id) end),
  present = each(s.spans, function(span) return key_present(base, span) end),
  state = states,
  search = each(s.words, function(word) return key_search(base, word) end),
  minute = each(s.minutes, function(minute) return key_minute(base, minute) end),
  wake = each(s.types, function(jtype) return key_wake(base, jtype) end),
  flow = each(s.types, function(jtype) return key_flow(base, jtype) end),
  starts = each(s.types, function(jtype) return key_starts(base, jtype) end),
  typeGroups = type_groups,
  group = groups,
  unique = each(s.uniques, function(key) return key_unique(base, key) end),
  cancelled = each(s.locks, function(lock) return key_cancelled(base, lock) end),
  saved = each(s.calls, function(call) return key_saved(base, call) end),
})
`;

describe('the keys include', () => {
  it.each(['{q}', keyBase('my app:jobs'), keyBase('pre{tag}fix'), keyBase('{a b}')])(
    'builds the names Keys builds, for base %s',
    async (base) => {
      const script = assemble('key names test', luaSide, luaIncludes).text;
      const reply = (await redisClient().eval(
        script,
        0,
        base,
        JSON.stringify({ ...samples, states: JOB_STATES, typeParts: TYPE_PARTS }),
      )) as string;
      expect(JSON.parse(reply)).toEqual(typescriptSide(base));
    },
  );

  it('has a builder for every member of Keys', () => {
    const members = [
      ...Object.keys(new Keys('{q}')).filter((m) => m !== 'base'),
      ...Object.getOwnPropertyNames(Keys.prototype).filter((m) => m !== 'constructor'),
    ];
    expect(Object.keys(typescriptSide('{q}')).sort()).toEqual(members.sort());
  });
});

describe('the id bitmaps', () => {
  it('hold as many ids each in Lua as kue check reads from them', async () => {
    const script = assemble('span test', '--@include present\nreturn PRESENT_SPAN', luaIncludes).text;
    expect(await redisClient().eval(script, 0)).toBe(PRESENT_SPAN);
  });
});

describe('the status codes', () => {
  it('are the same in the Lua STATUS table and in ScriptStatus', async () => {
    // The table itself, as status.lua defines it (scripts get its values written in instead).
    const script = `${luaIncludes.status}\nreturn cjson.encode(STATUS)`;
    const lua = JSON.parse((await redisClient().eval(script, 0)) as string) as Record<string, unknown>;
    expect(lua).toEqual({ ...ScriptStatus });
  });
});
