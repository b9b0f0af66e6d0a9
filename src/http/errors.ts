import type { ErrorRequestHandler } from 'express';
import { ErrorCode, KueError } from '../errors.js';
import { isConnectionFailure } from '../store/redis-errors.js';

/** An error with the HTTP status it answers with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The status and the public message of an error. Redis' own texts never reach a client. */
export function describeHttpError(err: unknown): { status: number; error: string; code?: string } {
  if (err instanceof HttpError) return { status: err.status, error: err.message };
  if (err instanceof KueError) {
    if (err.code === ErrorCode.JobNotFound || err.code === ErrorCode.ScheduleNotFound)
      return { status: 404, error: err.message, code: err.code };
    if (err.code === ErrorCode.Connection) return { status: 503, error: 'Redis is unavailable', code: err.code };
    // Transient: the same request succeeds once Redis has memory again.
    if (err.code === ErrorCode.OutOfMemory) return { status: 503, error: err.message, code: err.code };
    return { status: 409, error: err.message, code: err.code };
  }
  if (err instanceof TypeError || err instanceof RangeError) return { status: 400, error: err.message };
  const e = err as { type?: string; status?: number; name?: string; message?: string };
  // body-parser's errors carry a type and a status.
  if (e?.type === 'entity.too.large') return { status: 413, error: 'request body is too large' };
  if (e?.type === 'entity.parse.failed') return { status: 400, error: 'request body is not valid JSON' };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return { status: 415, error: 'unsupported body encoding' };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return { status: e.status, error: 'bad request' };
  // Reads that are not scripts fail with ioredis' own errors.
  if (isConnectionFailure(err)) {
    return { status: 503, error: 'Redis is unavailable', code: ErrorCode.Connection };
  }
  return { status: 500, error: 'internal error' };
}

/** Answers every error as JSON `{error, code?}` with its status; reports server faults. */
export function errorHandler(report: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, error, code } = describeHttpError(err);
    if (status >= 500) report(err);
    res.status(status).json(code ? { error, code } : { error });
  };
}
