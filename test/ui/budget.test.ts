/**
 * The built dashboard (dist/ui, made by `npm run build`): within its size budget, loading
 * nothing from another origin and nothing inline that a strict CSP would block.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../dist/ui', import.meta.url));

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the built dashboard', () => {
  it('is built (npm run build)', () => {
    expect(existsSync(join(dir, 'index.html')), 'dist/ui/index.html').toBe(true);
  });

  it('weighs at most 150 KB gzipped, every file included', () => {
    const sizes = files(dir).map((path) => ({ path, gzip: gzipSync(readFileSync(path), { level: 9 }).length }));
    const total = sizes.reduce((sum, f) => sum + f.gzip, 0);
    console.log(`dashboard bundle: ${sizes.length} files, ${(total / 1024).toFixed(1)} KiB gzipped`);
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });

  it('loads nothing from another origin and has no inline script or style', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    for (const path of files(dir).filter((p) => /\.(html|css|js)$/.test(p))) {
      const text = readFileSync(path, 'utf8');
      // URLs the page would fetch: src/href attributes, CSS url(...) and imports.
      expect(text, path).not.toMatch(
        /(?:src|href)=["']?(?:https?:)?\/\/|url\(\s*["']?(?:https?:)?\/\/|import\s*\(?\s*["'](?:https?:)?\/\//,
      );
    }
  });
});
