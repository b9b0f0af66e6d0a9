import { randomBytes } from 'node:crypto';

/**
 * This process's part of every save call token: 72 random bits, so tokens of different
 * processes never meet (a token that met another would take that call's reply for its own).
 */
const PROCESS_PART = randomBytes(9).toString('base64url');
let calls = 0;

/**
 * A token no other save call has, made without a round trip: this process's random part and
 * a counter (base 36). It names the call's record in Redis (`B:saved:<token>`), so it is short.
 */
export function saveCallToken(): string {
  return `${PROCESS_PART}${(++calls).toString(36)}`;
}

/** What became of one job of a save: its id, and whether it is an existing job its unique key resolved it to. */
export interface SaveReply {
  id: number;
  duplicate: boolean;
}

/**
 * Most earlier sends a job names: a caller retrying one save more often than this within the
 * saveRetryWindow is a loop, and the oldest sends are the likeliest to have expired anyway.
 */
const MAX_SENDS = 50;

/** Notes one more save call a job was sent in, forgetting the oldest past MAX_SENDS. */
export function noteSend(sends: string[], send: string): void {
  sends.push(send);
  if (sends.length > MAX_SENDS) sends.shift();
}

/** save.lua's reply for one job: '<id>', or '=<id>' for a duplicate. */
export function saveReply(text: string): SaveReply {
  const duplicate = text.startsWith('=');
  return { id: Number(duplicate ? text.slice(1) : text), duplicate };
}
