import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';

/**
 * Paths the dashboard answers with its page. All are one segment deep, so the page's
 * relative asset and API URLs resolve under the mount path whichever of them it is opened
 * at. Kue's `/active`, `/inactive`, ... open the matching list.
 */
export const CLIENT_ROUTES = [
  '/',
  '/all',
  '/inactive',
  '/active',
  '/delayed',
  '/waiting',
  '/complete',
  '/failed',
  '/schedules',
  '/limits',
  '/groups',
  '/activity',
] as const;

/** Replaced in the built index.html by the HTML-escaped title on every request. */
const TITLE_MARK = /%KUE_TITLE%/g;

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page served when the dashboard was not built: the title and where the API is. */
function fallbackPage(title: string): string {
  const t = escapeHtml(title);
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${t}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body><h1>${t}</h1><p>The JSON API is served here: <a href="stats">stats</a>, ` +
    `<a href="job/types">job types</a>, <a href="jobs/0..9/desc">latest jobs</a>.</p></body></html>`
  );
}

/** This module's folder: `dist/` once bundled (ESM or CJS), `src/http/` under vitest. */
function moduleDir(): string {
  // The CJS bundle has __dirname and no import.meta; the ESM bundle the other way round.
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/** Where the built dashboard lives (`dist/ui`), or undefined when it was not built. */
export function findUiDir(from = moduleDir()): string | undefined {
  for (const dir of [join(from, 'ui'), join(from, '..', '..', 'dist', 'ui')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/**
 * Serves the dashboard: its page at every client route (title injected, never cached) and
 * its assets, whose names carry a content hash, cached for a year. Without a build the
 * routes answer a small page linking the JSON API.
 */
export function staticUi(title: () => string, uiDir = findUiDir()): Router {
  const router = Router();
  const template = uiDir ? readFileSync(join(uiDir, 'index.html'), 'utf8') : undefined;

  const page = (req: Request, res: Response) => {
    const path = req.originalUrl.split('?')[0]!;
    const query = req.originalUrl.slice(path.length);
    if (req.path === '/' && !path.endsWith('/')) {
      // Opened at a bare mount path (`/kue`), relative URLs would resolve outside the
      // mount: redirect to `/kue/` (a relative Location, so rewriting proxies keep working).
      res.redirect(301, `./${path.slice(path.lastIndexOf('/') + 1)}/${query}`);
      return;
    }
    if (req.path !== '/' && path.endsWith('/')) {
      // `/kue/failed/` would resolve `./assets/...` under `/kue/failed/`: drop the slash.
      const name = path.replace(/\/+$/, '');
      res.redirect(301, `../${name.slice(name.lastIndexOf('/') + 1)}${query}`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    if (!template) {
      res.type('html').send(fallbackPage(title()));
      return;
    }
    res.type('html').send(template.replace(TITLE_MARK, escapeHtml(title())));
  };

  router.get([...CLIENT_ROUTES], page);

  if (uiDir) {
    router.use(
      '/assets',
      express.static(join(uiDir, 'assets'), {
        index: false,
        redirect: false,
        fallthrough: true,
        maxAge: '365d',
        immutable: true,
      }),
    );
  }
  return router;
}
