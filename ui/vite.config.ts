// Builds the dashboard into dist/ui at package build time (`npm run build`); users never
// run it. Relative asset URLs (`base: './'`) make the page work under any mount path, and
// nothing is inlined into the HTML, so the app's strict Content-Security-Policy holds.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** `npm run ui:dev` proxies API calls to a Kue app running here. */
const api = process.env.KUE_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: './',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URIs (the CSP allows 'self' only) and no inline module-preload polyfill.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/job', '/jobs', '/stats'].map((path) => [path, api])),
  },
});
