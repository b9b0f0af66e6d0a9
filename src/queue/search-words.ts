import { stemmer } from 'stemmer';

/** At most this many distinct words of one job are indexed (bounds a save's cost). */
const MAX_WORDS_PER_JOB = 500;
const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased Porter stems of the words in a text, in order of first appearance. */
export function stems(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.toLowerCase().matchAll(WORD)) {
    seen.add(stemmer(match[0]));
    if (seen.size >= MAX_WORDS_PER_JOB) break;
  }
  return [...seen];
}

/** Every string and number in a value, depth first (object keys are not indexed). */
function collectText(value: unknown, out: string[], depth = 0): void {
  if (depth > 20) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collectText(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectText(v, out, depth + 1);
}

/** Reads `a.b.c` in job data. */
function at(data: unknown, path: string): unknown {
  let value = data;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** `data.title` when it is a string: Kue's special key, the job's label in the dashboard. */
function titleOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data) || !Object.hasOwn(data, 'title')) return undefined;
  const title = (data as { title: unknown }).title;
  return typeof title === 'string' ? title : undefined;
}

/**
 * The search words of a job: its whole data, or only its `searchKeys` (dotted paths
 * allowed). A string `data.title` is always indexed, first, even when the keys leave it out
 * and however many words the rest holds: the dashboard lists jobs by title, and Kue's README
 * promises a title makes a job easy to find.
 */
export function searchWords(data: unknown, searchKeys?: string[]): string[] {
  const title = titleOf(data);
  const texts: string[] = title === undefined ? [] : [title];
  if (searchKeys) for (const key of searchKeys) collectText(at(data, key), texts);
  else collectText(data, texts);
  return stems(texts.join(' '));
}
