/**
 * The dashboard in a real browser: playwright-core driving Debian's chromium (headless)
 * against `createApp({queue})` served on 127.0.0.1 and the test redis-server.
 *
 * Every page opened here fails its test on a page error or a Content-Security-Policy
 * violation, so each test also checks that the UI runs under the strict CSP.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { createApp, type AppOptions, type KueApp, type Queue } from '../../src/index.js';

export const CHROMIUM = process.env.KUE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('../..', import.meta.url));
const AXE = `${root}node_modules/axe-core/axe.min.js`;
const UI_INDEX = `${root}dist/ui/index.html`;

/** Why the browser tests cannot run here, or undefined when they can. */
export const skipReason = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing (npm test installs Debian's chromium when run as root; or set KUE_TEST_CHROMIUM)`;

/** A describe block that is skipped, saying why, only when no chromium is available. */
export function describeUi(name: string, body: () => void): void {
  if (skipReason) describe.skip(`${name} — skipped: ${skipReason}`, body);
  else describe(name, body);
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Served {
  /** The dashboard's URL, ending with '/'. */
  url: string;
  app: KueApp;
  server: Server;
  /** Stops the server, ending open event streams. */
  close(): Promise<void>;
}

/**
 * Call once per file, inside describeUi: launches the browser before the tests and closes
 * it (and every page, context and server opened through the helpers) after them.
 */
export function useBrowser() {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const servers: Served[] = [];
  const problems = new Map<Page, string[]>();

  beforeAll(async () => {
    if (!existsSync(UI_INDEX)) throw new Error('dist/ui is not built: run `npm run build` first (npm test does)');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  }, 60_000);

  afterEach(async () => {
    const found = [...problems.values()].flat();
    problems.clear();
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    expect(found, 'page errors and CSP violations').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Serves a queue's app on a free port, mounted at `prefix` ('' or '/kue') in a parent app. */
  async function serve(
    queue: Queue,
    options: Partial<AppOptions> & { prefix?: string; port?: number } = {},
  ): Promise<Served> {
    const { prefix = '', port = 0, ...appOptions } = options;
    const app = createApp({ queue, ...appOptions });
    const parent = express();
    parent.use(prefix || '/', app);
    const server = await new Promise<Server>((resolve, reject) => {
      const s = parent.listen(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const served: Served = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}/`,
      app,
      server,
      close: () =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
    servers.push(served);
    return served;
  }

  /** A fresh browser context (own storage) and a page in it, watched for errors. */
  async function open(url: string, options: BrowserContextOptions & { theme?: 'light' | 'dark' } = {}): Promise<Page> {
    const { theme = 'light', ...contextOptions } = options;
    const context = await browser!.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: theme,
      ...contextOptions,
    });
    contexts.push(context);
    const page = await context.newPage();
    const list: string[] = [];
    problems.set(page, list);
    page.on('pageerror', (err) => list.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content.Security.Policy|Refused to/i.test(msg.text())) list.push(`CSP: ${msg.text()}`);
    });
    page.on('dialog', (dialog) => {
      list.push(`unexpected dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(url);
    return page;
  }

  return { serve, open, browser: () => browser! };
}

/** Text of the element for a test id, once it is there. */
export const byTestId = (page: Page, id: string) => page.getByTestId(id);

/** Sends a request the way the dashboard would, from the page (same origin). */
export function pageFetch(page: Page, path: string, init: { method?: string; json?: unknown } = {}) {
  return page.evaluate(
    async ({ path, method, json }) => {
      const res = await fetch(path, {
        method,
        headers: json === undefined ? {} : { 'content-type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return { status: res.status, body: await res.text() };
    },
    { path, method: init.method ?? 'GET', json: init.json },
  );
}

/** Number-looking text of an element, without grouping separators. */
export async function numberIn(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).textContent())!.replace(/[^\d]/g, ''));
}

/**
 * Whether every row of the job list on screen fits its fixed height (a title or a group never
 * makes it taller) and its lines its width (text inside them may overflow, clipped with an
 * ellipsis).
 */
export async function rowsFit(page: Page): Promise<Array<{ id: string; fits: boolean }>> {
  return page.locator('[data-testid="job-list"] [data-id]').evaluateAll((rows) =>
    rows.map((r) => {
      const box = r.getBoundingClientRect();
      const inside = (e: Element) => {
        const b = e.getBoundingClientRect();
        return b.height === 0 || (b.top >= box.top - 0.5 && b.bottom <= box.bottom + 0.5);
      };
      const lines = r.querySelectorAll('.row-line, .row-link, .row-title, .row-meta, .row-text, .row-facts');
      const fits =
        [...r.querySelectorAll('*')].every(inside) &&
        [...lines].every((e) => e.getBoundingClientRect().right <= box.right + 0.5);
      return { id: (r as HTMLElement).dataset.id!, fits };
    }),
  );
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Serious and critical axe-core violations on the page as it is now. axe is injected as a
 * script, which the page's CSP would (rightly) refuse: open the page with `bypassCSP: true`.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // Colours are judged as they end up: a drawer still fading in measures as low contrast.
    const finite = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}
