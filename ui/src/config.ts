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
  loaded: boolean;
}

export const configStore = createStore<Config>({
  title: document.title,
  readOnly: false,
  canWrite: false,
  search: true,
  loaded: false,
});

export async function loadConfig(): Promise<void> {
  const [config, canWrite] = await Promise.all([
    api.config().catch(() => ({ title: document.title, readOnly: false, search: true })),
    api.canWrite(),
  ]);
  configStore.set({
    title: config.title,
    readOnly: config.readOnly,
    canWrite: canWrite && !config.readOnly,
    search: config.search !== false,
    loaded: true,
  });
}
