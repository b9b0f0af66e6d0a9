// What the server says about this dashboard: its title, whether this user may act and
// whether its queue indexes jobs for search.
import { api } from './api';
import { createStore } from './store';

export interface Config {
  title: string;
  readOnly: boolean;
  /** False in read-only mode or when the auth function refuses this user's writes. */
  canWrite: boolean;
  /** False when the dashboard's queue has `disableSearch` (Kue's default): nothing it saves is indexed. */
  search: boolean;
  /** Where traced jobs link to: an http(s) URL with {traceId} (createApp's traceUrl), if any. */
  traceUrl?: string;
  loaded: boolean;
}

export const configStore = createStore<Config>({
  title: document.title,
  readOnly: false,
  canWrite: false,
  search: true,
  loaded: false,
});

/** The server checked it; the page checks again before making links of it. */
function isTraceUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\//i.test(value) && value.includes('{traceId}');
}

/** The link to a job's trace, or undefined without a template or a trace id (32 hex digits). */
export function traceLink(template: string | undefined, traceId: string | undefined): string | undefined {
  if (!template || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  return template.split('{traceId}').join(traceId);
}

export async function loadConfig(): Promise<void> {
  const [config, canWrite] = await Promise.all([
    api.config().catch(() => ({ title: document.title, readOnly: false, search: true, traceUrl: undefined })),
    api.canWrite(),
  ]);
  configStore.set({
    title: config.title,
    readOnly: config.readOnly,
    canWrite: canWrite && !config.readOnly,
    search: config.search !== false,
    ...(isTraceUrl(config.traceUrl) && { traceUrl: config.traceUrl }),
    loaded: true,
  });
}
