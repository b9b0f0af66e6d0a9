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
