// A dashboard app on a free loopback port for one test, closed after it, and a fetch of its
// JSON API that answers {status, body (parsed JSON, or undefined), text, headers}.
import type { Server } from 'node:http';
import { afterEach } from 'vitest';
import { createApp, type AppOptions, type Queue } from '../../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** Serves `createApp({queue, ...options})`; resolves with a request function for it. */
export async function serve(
  queue: Queue,
  options: Partial<AppOptions> = {},
): Promise<(path: string, method?: string, json?: unknown) => Promise<Answer>> {
  const app = createApp({ queue, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return async (path, method = 'GET', json) => {
    const res = await fetch(base + path, {
      method,
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, headers: res.headers };
  };
}
