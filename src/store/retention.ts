/**
 * What happens to a job once it is finished (complete, or failed for good):
 * - `false`: it is kept (the default);
 * - `true`: it is deleted as it finishes;
 * - a number `n`: the newest `n` finished jobs of its type (in that state) are kept, older
 *   ones are deleted as it finishes;
 * - `{age, count}`: finished jobs of its type older than `age` seconds, or beyond the newest
 *   `count`, are deleted as it finishes (whichever deletes more).
 */
export type RetentionOption = boolean | number | { age?: number; count?: number };

/**
 * The stored form, read by complete.lua and fail_attempt (lua/includes/fail_attempt.lua): '' keeps the job,
 * '1' deletes it at once, else 'c:<count>', 'a:<age ms>' or 'c:<count>,a:<age ms>'. A zero
 * count or age keeps nothing, which is '1' (and takes the cheap path).
 */
export function encodeRetention(option: RetentionOption | undefined): string {
  if (option === undefined || option === false) return '';
  if (option === true) return '1';
  const { count, age } = typeof option === 'number' ? { count: option, age: undefined } : option;
  const ageMs = age === undefined ? undefined : Math.round(age * 1000);
  if (count === 0 || ageMs === 0) return '1';
  const parts: string[] = [];
  if (count !== undefined) parts.push(`c:${count}`);
  if (ageMs !== undefined) parts.push(`a:${ageMs}`);
  return parts.join(',');
}

/** The option a stored value stands for; a count alone comes back as a number. */
export function decodeRetention(text: string | undefined): RetentionOption {
  if (!text) return false;
  if (text === '1') return true;
  const count = /(?:^|,)c:(\d+)/.exec(text)?.[1];
  const ageMs = /(?:^|,)a:(\d+)/.exec(text)?.[1];
  if (count !== undefined && ageMs === undefined) return Number(count);
  if (count === undefined && ageMs === undefined) return false;
  return {
    ...(ageMs !== undefined && { age: Number(ageMs) / 1000 }),
    ...(count !== undefined && { count: Number(count) }),
  };
}
