/**
 * Hosts for a Kue app (an Express 5 application): each mounts it under a path prefix ('' or
 * '/kue') on a real HTTP server listening on 127.0.0.1, port 0, and answers its base URL
 * (`http://127.0.0.1:port` + prefix, no trailing slash) and a close().
 *
 * docs/mounting.md shows the same code as examples: keep them in step.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
// @ts-expect-error express4 is an npm alias of Express 4, which ships no types of its own.
import express4Untyped from 'express4';
import Fastify from 'fastify';
import fastifyExpress from '@fastify/express';
import { Hono } from 'hono';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { KueApp } from '../../src/index.js';

export interface Hosted {
  /** `http://127.0.0.1:port` followed by the prefix: where the Kue app answers. */
  baseUrl: string;
  close(): Promise<void>;
}

export type Host = (kueApp: KueApp, prefix: '' | '/kue') => Promise<Hosted>;

/** The little of Express 4's application this file uses. */
interface Express4App {
  (req: IncomingMessage, res: ServerResponse): void;
  use(path: string, handler: unknown): Express4App;
  listen(port: number, host: string, callback: () => void): Server;
}
const express4 = express4Untyped as () => Express4App;

async function listening(server: Server, prefix: string): Promise<Hosted> {
  if (!server.listening) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  }
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`,
    close: () => closeServer(server),
  };
}

/** Closes a server, ending kept-alive and streaming (SSE) connections too. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** Express 5: `parent.use('/kue', kueApp)`. */
export const express5Host: Host = async (kueApp, prefix) => {
  const parent = express();
  parent.use(prefix || '/', kueApp);
  return listening(http.createServer(parent), prefix);
};

/** Express 4 (the npm alias `express4`): `parent.use('/kue', kueApp)`. */
export const express4Host: Host = async (kueApp, prefix) => {
  const parent = express4();
  parent.use(prefix || '/', kueApp);
  return listening(http.createServer(parent), prefix);
};

/**
 * Fastify 5 with @fastify/express: `fastify.use('/kue', kueApp)`. @fastify/express runs the
 * Express middleware in the onRequest hook, before Fastify parses any body, so the Kue app
 * reads the raw request stream itself (express.json inside it) and answers; Fastify's own
 * routes and body parsers never see these requests.
 */
export const fastifyHost: Host = async (kueApp, prefix) => {
  const fastify = Fastify();
  await fastify.register(fastifyExpress);
  fastify.use(prefix || '/', kueApp);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    close: async () => {
      fastify.server.closeAllConnections();
      await fastify.close();
    },
  };
};

/**
 * Strips a mount prefix from a request the way Express' mounting does: `/kue/stats?x` becomes
 * `/stats?x`, `/kue` and `/kue?x` become `/` and `/?x`; `originalUrl` keeps the URL as sent
 * and `baseUrl` names the mount path (Express keeps both when they are set before it runs).
 * Answers false when the URL is not under the prefix.
 */
export function stripPrefix(req: IncomingMessage, prefix: string): boolean {
  const url = req.url ?? '/';
  if (prefix === '') return true;
  if (!url.startsWith(prefix)) return false;
  const rest = url.slice(prefix.length);
  if (rest !== '' && rest[0] !== '/' && rest[0] !== '?') return false;
  const mounted = req as IncomingMessage & { originalUrl?: string; baseUrl?: string };
  mounted.originalUrl ??= url;
  mounted.baseUrl = prefix;
  req.url = rest === '' || rest[0] === '?' ? `/${rest}` : rest;
  return true;
}

/**
 * Hono on @hono/node-server: a catch-all route for the prefix hands the Node request and
 * response to the Express app and tells the adapter the response is already being sent.
 */
export const honoHost: Host = async (kueApp, prefix) => {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const toExpress = (c: { env: HttpBindings }) => {
    const { incoming, outgoing } = c.env;
    if (!stripPrefix(incoming, prefix)) return new Response('not found', { status: 404 });
    kueApp(incoming, outgoing);
    return RESPONSE_ALREADY_SENT;
  };
  app.all(prefix || '/', toExpress);
  app.all(`${prefix}/*`, toExpress);
  // overrideGlobalObjects: false keeps the test process' own Request and Response.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  return listening(server, prefix);
};

/** Plain node:http: `http.createServer(kueApp)`, the prefix stripped by hand when there is one. */
export const nodeHttpHost: Host = async (kueApp, prefix) => {
  if (prefix === '') return listening(http.createServer(kueApp), prefix);
  const server = http.createServer((req, res) => {
    if (stripPrefix(req, prefix)) {
      kueApp(req, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return listening(server, prefix);
};
