// What the server says about this dashboard: its title and whether this user may act.
import { api } from './api';
import { createStore } from './store';

export interface Config {
  title: string;
  readOnly: boolean;
  /** False in read-only mode or when the auth function refuses this user's writes. */
  canWrite: boolean;
  loaded: boolean;
}

export const configStore = createStore<Config>({
  title: document.title,
  readOnly: false,
  canWrite: false,
  loaded: false,
});

export async function loadConfig(): Promise<void> {
  const [config, canWrite] = await Promise.all([
    api.config().catch(() => ({ title: document.title, readOnly: false })),
    api.canWrite(),
  ]);
  configStore.set({
    title: config.title,
    readOnly: config.readOnly,
    canWrite: canWrite && !config.readOnly,
    loaded: true,
  });
}
