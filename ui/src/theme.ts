// Light, dark or the system's choice; remembered in this browser only.
import { createStore } from './store';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'kue.theme';
const dark = matchMedia('(prefers-color-scheme: dark)');

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export const themeChoice = createStore<ThemeChoice>(stored());
/** The theme in effect, 'system' resolved. */
export const themeStore = createStore<'light' | 'dark'>('light');

function apply(): void {
  const choice = themeChoice.get();
  const resolved = choice === 'system' ? (dark.matches ? 'dark' : 'light') : choice;
  document.documentElement.dataset.theme = resolved;
  document.documentElement.style.colorScheme = resolved;
  themeStore.set(resolved);
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Storage may be off: the choice then lasts for this page only.
  }
  themeChoice.set(choice);
  apply();
}

export const nextTheme = (choice: ThemeChoice): ThemeChoice =>
  choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';

export function startTheme(): void {
  apply();
  dark.addEventListener('change', apply);
}
