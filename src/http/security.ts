import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { defaults } from '../defaults.js';

/** Who may use the dashboard: a user and password (HTTP basic auth), or a function per request. */
export type AuthOption =
  { username: string; password: string; realm?: string } | ((req: Request) => boolean | Promise<boolean>);

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares secrets in constant time (hashing first makes the lengths equal). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function basicCredentials(req: Request): { username: string; password: string } | null {
  const header = req.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return null;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const cut = text.indexOf(':');
  return cut < 0 ? null : { username: text.slice(0, cut), password: text.slice(cut + 1) };
}

/** Refuses every request that the auth option does not let in (401 JSON). */
export function requireAuth(auth: AuthOption): RequestHandler {
  return (req, res, next) => {
    const deny = () => {
      if (typeof auth !== 'function') {
        res.setHeader(
          'WWW-Authenticate',
          `Basic realm="${(auth.realm ?? defaults.authRealm).replace(/"/g, '')}", charset="UTF-8"`,
        );
      }
      res.status(401).json({ error: 'authentication required' });
    };
    if (typeof auth === 'function') {
      Promise.resolve()
        .then(() => auth(req))
        .then(
          (ok) => (ok === true ? next() : deny()),
          () => deny(),
        );
      return;
    }
    const given = basicCredentials(req);
    // Both comparisons always run, so timing does not tell which one failed.
    const userOk = sameSecret(given?.username ?? '', auth.username);
    const passOk = sameSecret(given?.password ?? '', auth.password);
    if (given && userOk && passOk) next();
    else deny();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Read-only mode: every mutating request answers 403. */
export const refuseWrites: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) next();
  else res.status(403).json({ error: 'this dashboard is read-only' });
};

/**
 * Refuses mutating requests that a browser marks as coming from another site, so a page
 * elsewhere cannot make a logged-in browser change jobs. Non-browser clients send neither
 * header and pass.
 */
export const refuseCrossSite: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') {
    res.status(403).json({ error: 'cross-site request refused' });
    return;
  }
  // `Origin: null` comes from sandboxed frames and the like, never from the dashboard.
  const origin = req.headers.origin;
  if (origin) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      host = '';
    }
    if (host !== req.headers.host) {
      res.status(403).json({ error: 'cross-site request refused' });
      return;
    }
  }
  next();
};
