import { ConnectionError, NotReplicatedError, OutOfMemoryError } from '../errors.js';

/**
 * Redis' reply to a write over maxmemory when it may evict nothing. Inside a script Redis
 * refuses only the script's first write, so a script refused this way changed nothing.
 */
const OUT_OF_MEMORY = /^OOM /;

/** A master with too few replicas for its min-replicas-to-write refuses writes before making any. */
const NO_REPLICAS = /^NOREPLICAS /;
/** A replica (a master demoted by a failover) refuses writes before making any. */
const READ_ONLY = /^READONLY /;

/**
 * A cluster between a master's failure and its replica's promotion, or moving a slot,
 * refuses commands unrun (or points to another node, past ioredis' redirection limit).
 */
const CLUSTER_CHANGING = /CLUSTERDOWN|TRYAGAIN|\bMOVED \d|\bASK \d/;

/** ioredis' ways of saying a command never reached Redis. */
const NEVER_SENT = /Stream isn't writeable|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|connect ETIMEDOUT/i;
/** ...and of saying it may have reached Redis, with no answer back. */
const NO_ANSWER = /Command timed out|Connection is closed|ECONNRESET|EPIPE|ETIMEDOUT/i;

/** Whether an error means Redis could not be reached or did not answer. */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  const e = err as { name?: string; message?: string } | undefined;
  return (
    e?.name === 'MaxRetriesPerRequestError' || NEVER_SENT.test(e?.message ?? '') || NO_ANSWER.test(e?.message ?? '')
  );
}

/** What became of a script's change when it failed: surely not made, or maybe made later. */
export interface Outcome {
  /** e.g. "the job was not saved" */
  refused: string;
  /** e.g. "the job may have been saved: Redis may have received it" */
  uncertain: string;
}

/**
 * A script's failure as a typed error that says what became of the change. A command that
 * timed out may still reach Redis (ioredis sends its offline queue on reconnection, and a
 * frozen server runs what it was sent once it resumes); one that gave up reconnecting may
 * have been sent before the connection broke: both are only "uncertain".
 */
export function scriptError(err: unknown, outcome: Outcome): unknown {
  if (!(err instanceof Error) || err instanceof ConnectionError) return err;
  if (OUT_OF_MEMORY.test(err.message)) return new OutOfMemoryError(outcome.refused, err);
  if (NO_REPLICAS.test(err.message)) {
    return new NotReplicatedError(
      `Redis has too few replicas connected (min-replicas-to-write): ${outcome.refused}`,
      err,
    );
  }
  if (CLUSTER_CHANGING.test(err.message) && !NO_ANSWER.test(err.message)) {
    return new ConnectionError(`the Redis cluster is failing over (${err.message}): ${outcome.refused}`, err);
  }
  if (READ_ONLY.test(err.message)) {
    return new ConnectionError(`Redis answered as a replica (a failover is under way): ${outcome.refused}`, err);
  }
  if (NEVER_SENT.test(err.message)) {
    return new ConnectionError(`Redis is unreachable (${err.message}): ${outcome.refused}`, err);
  }
  if (err.name === 'MaxRetriesPerRequestError') {
    return new ConnectionError(`Redis is unreachable (${err.message}): ${outcome.uncertain}`, err);
  }
  if (NO_ANSWER.test(err.message)) {
    return new ConnectionError(`Redis did not answer (${err.message}): ${outcome.uncertain}`, err);
  }
  return err;
}

/** A failed read as a typed error: a read changes nothing, so its outcome is never uncertain. */
export function readError(err: unknown, what: string): unknown {
  const failed = `could not read ${what}`;
  return scriptError(err, { refused: failed, uncertain: failed });
}
