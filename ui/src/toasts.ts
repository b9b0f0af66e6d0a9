// Short messages that answer every action: success or the server's own error.
import { ApiError } from './api';
import { m } from './messages';
import { createStore } from './store';

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}

export const toastsStore = createStore<Toast[]>([]);
let nextId = 1;

export function dismissToast(id: number): void {
  toastsStore.update((list) => list.filter((t) => t.id !== id));
}

export function toast(kind: Toast['kind'], text: string): void {
  const id = nextId++;
  // At most four at once: the oldest go first.
  toastsStore.update((list) => [...list.slice(-3), { id, kind, text }]);
  setTimeout(() => dismissToast(id), kind === 'error' ? 10_000 : 5_000);
}

/** The message to show for a failed request: the server's words when it gave some. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || m.networkError;
  return err instanceof Error ? err.message : String(err);
}

export const toastError = (err: unknown): void => toast('error', m.actionFailed(errorText(err)));
