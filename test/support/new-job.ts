import type { NewJob } from '../../src/store/codec.js';

/** A job as the Store hands it to the save scripts: defaults everywhere, `more` on top. */
export function newJob(type: string, data: object = {}, more: Partial<NewJob> = {}): NewJob {
  return {
    type,
    data: JSON.stringify(data),
    priority: 0,
    delay: 0,
    attempts: 1,
    ttl: 0,
    removeOnComplete: false,
    removeOnFail: false,
    words: [],
    ...more,
  };
}
