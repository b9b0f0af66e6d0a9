import type { RedisClient } from '../store/connection.js';

/** One transition as published by a Lua script. */
export interface JobEvent {
  /** Kue's event name: enqueue, start, promotion, progress, failed attempt, failed, complete, remove, delayed, stalled. */
  event: string;
  id: number;
  type: string;
  args: unknown[];
}

interface WireMessage {
  e: string;
  id: string;
  t: string;
  a: unknown[];
}

function parse(text: string): JobEvent | null {
  try {
    const m = JSON.parse(text) as WireMessage;
    if (typeof m.e !== 'string' || !Array.isArray(m.a)) return null;
    return { event: m.e, id: Number(m.id), type: String(m.t), args: m.a };
  } catch {
    return null;
  }
}

/**
 * Listens to a queue's event channel on a dedicated connection and hands each transition to
 * one listener. Pub/sub delivers to every process that listens, which is what makes queue
 * events work across processes.
 */
export class EventBus {
  private started?: Promise<unknown>;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    private readonly listener: (event: JobEvent) => void,
  ) {
    subscriber.on('message', (ch: string, text: string) => {
      if (ch !== this.channel) return;
      const event = parse(text);
      if (event) this.listener(event);
    });
  }

  /** Subscribes once; later calls share the first subscription. */
  start(): Promise<unknown> {
    this.started ??= this.subscriber.subscribe(this.channel);
    return this.started;
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
