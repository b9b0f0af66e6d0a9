// Shortcuts for working without a mouse. None fires while typing in a field or with a
// modifier held; `g` starts a two-key chord ("g f": go to failed).
import type { JobState } from './api';
import { openShortcuts } from './components/shortcuts-help';
import { listKeys } from './components/job-list';
import { listRoute, navigate, overviewRoute } from './router';
import { nextTheme, setTheme, themeChoice } from './theme';

const GO: Record<string, JobState | 'overview'> = {
  o: 'overview',
  i: 'inactive',
  a: 'active',
  d: 'delayed',
  w: 'waiting',
  f: 'failed',
  c: 'complete',
};

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
}

/** True while a modal dialog is open: its own keys (Escape, Tab) only. */
const inDialog = () => document.querySelector('dialog[open]') !== null;

export function startKeyboard(): void {
  let chord = 0;
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (e.key === '/' && !inDialog()) {
      e.preventDefault();
      const search = document.getElementById('search') as HTMLInputElement | null;
      search?.focus();
      search?.select();
      return;
    }
    if (e.key === '?') {
      e.preventDefault();
      openShortcuts();
      return;
    }
    if (inDialog()) return;
    if (Date.now() - chord < 1_500 && GO[e.key]) {
      chord = 0;
      e.preventDefault();
      const target = GO[e.key]!;
      navigate(target === 'overview' ? overviewRoute() : listRoute(target, { q: undefined }));
      return;
    }
    chord = 0;
    switch (e.key) {
      case 'g':
        chord = Date.now();
        break;
      case 'j':
      case 'k':
        if (listKeys.move) {
          e.preventDefault();
          listKeys.move(e.key === 'j' ? 1 : -1);
        }
        break;
      case 'x':
        listKeys.toggle?.();
        break;
      case 't':
        setTheme(nextTheme(themeChoice.get()));
        break;
    }
  });
}
