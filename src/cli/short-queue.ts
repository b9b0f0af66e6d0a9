// A queue opened for one command of the terminal: no maintenance (a command that reads or
// changes settings must not promote jobs or fire schedules from a short-lived process), shut
// down after the work, and a failure reported in the terms of what the command was doing.
import { ConnectionError } from '../errors.js';
import { Queue } from '../queue/queue.js';
import { CliError } from './cli-error.js';

export async function withQueue<T>(
  options: { redis: string; prefix: string },
  failure: string,
  work: (queue: Queue) => Promise<T>,
): Promise<T> {
  const queue = new Queue({ prefix: options.prefix, redis: options.redis, maintenance: false });
  let connectionError: Error | undefined;
  queue.on('error', (err: Error) => {
    if (err instanceof ConnectionError) connectionError ??= err;
  });
  try {
    return await work(queue);
  } catch (err) {
    // Bad input keeps its own message; anything else is said with what failed.
    if (err instanceof TypeError || err instanceof RangeError) throw new CliError(err.message);
    throw new CliError(`${failure}: ${(connectionError ?? (err as Error)).message}`);
  } finally {
    await queue.shutdown(1_000).catch(() => undefined);
  }
}
