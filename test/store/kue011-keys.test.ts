// Kue 0.11's key layout is built on two sides, the class Kue011Keys and the Lua include
// kue011_keys: run in Redis, the include builds the names the class builds. And the hash tag
// the Cluster check compares is the one Redis hashes by (test/cluster/migrate.test.ts runs it).
import { describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../src/store/keys.js';
import { hashTag, Kue011Keys } from '../../src/store/kue011/keys.js';
import { assemble } from '../../src/store/lua-assembly.js';
import { luaIncludes } from '../../src/store/scripts.js';
import { redisClient } from '../support/setup.js';

const types = ['email', 'video: encode', 'a:b'];
const ids = ['1', '42', '12345678901234'];

function typescriptSide(prefix: string) {
  const k = new Kue011Keys(prefix);
  return {
    ids: k.ids,
    jobs: k.jobs,
    types: k.types,
    workTime: k.workTime,
    job: ids.map((id) => k.job(id)),
    log: ids.map((id) => k.log(id)),
    wake: types.map((t) => k.wake(t)),
    state: JOB_STATES.flatMap((s) => [k.state(s), ...types.map((t) => k.state(s, t))]),
  };
}

const luaSide = `--@include kue011_keys
local prefix, s = ARGV[1], cjson.decode(ARGV[2])
local function each(list, build)
  local out = {}
  for i, v in ipairs(list) do out[i] = build(v) end
  return out
end
local states = {}
for _, state in ipairs(s.states) do
  states[#states + 1] = kue011_key_index(prefix, state)
  for _, jtype in ipairs(s.types) do states[#states + 1] = kue011_key_index(prefix, state, jtype) end
end
return cjson.encode({
  ids = kue011_key_ids(prefix),
  jobs = kue011_key_index(prefix),
  types = kue011_key_types(prefix),
  workTime = kue011_key_work_time(prefix),
  job = each(s.ids, function(id) return kue011_key_job(prefix, id) end),
  log = each(s.ids, function(id) return kue011_key_log(prefix, id) end),
  wake = each(s.types, function(jtype) return kue011_key_wake(prefix, jtype) end),
  state = states,
})
`;

describe('the Kue 0.11 keys', () => {
  it.each(['q', '{q}', 'my app'])('are the same names in Lua and in Kue011Keys, for prefix %s', async (prefix) => {
    const script = assemble('kue011 key names test', luaSide, luaIncludes).text;
    const reply = (await redisClient().eval(
      script,
      0,
      prefix,
      JSON.stringify({ ids, types, states: JOB_STATES }),
    )) as string;
    expect(JSON.parse(reply)).toEqual(typescriptSide(prefix));
  });

  it('are the ones Kue 0.11 wrote', () => {
    const k = new Kue011Keys('q');
    expect([
      k.ids,
      k.jobs,
      k.types,
      k.job(3),
      k.log(3),
      k.state('inactive'),
      k.state('failed', 'email'),
      k.wake('email'),
    ]).toEqual([
      'q:ids',
      'q:jobs',
      'q:job:types',
      'q:job:3',
      'q:job:3:log',
      'q:jobs:inactive',
      'q:jobs:email:failed',
      'q:email:jobs',
    ]);
  });
});

describe('hashTag', () => {
  it('is what Redis Cluster hashes a key by: the text in the first {…}, when not empty', () => {
    expect(hashTag('{q}:ids')).toBe('q');
    expect(hashTag('q:ids')).toBeNull();
    expect(hashTag('{}:ids')).toBeNull();
    expect(hashTag('a{b}c{d}')).toBe('b');
    expect(hashTag('{a{b}')).toBe('a{b');
    expect(hashTag('x{:ids')).toBeNull();
  });
});
