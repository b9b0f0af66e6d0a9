import { useEffect, useState } from 'preact/hooks';
import { configStore } from '../config';
import { m } from '../messages';
import { followLink, href, listRoute, navigate, overviewRoute, withRoute, type Route } from '../router';
import { useStore } from '../store';
import { nextTheme, setTheme, themeChoice } from '../theme';
import { CloseIcon, KeyboardIcon, MoonIcon, SearchIcon, SunIcon, SystemIcon } from './icons';
import { LiveIndicator } from './live-status';
import { openShortcuts } from './shortcuts-help';

/** Opens a job for `#12` or `12`, searches job data for anything else. */
export function submitSearch(text: string, route: Route): void {
  const query = text.trim();
  const id = /^#?(\d{1,15})$/.exec(query)?.[1];
  if (id) navigate(withRoute({ job: id }));
  else if (!query) navigate(route.view === 'list' ? { ...route, q: undefined, job: undefined } : route);
  else navigate(route.view === 'list' ? { ...route, q: query, job: undefined } : listRoute('all', { q: query }));
}

function SearchBox({ route }: { route: Route }) {
  const [text, setText] = useState(route.q ?? '');
  const { search } = useStore(configStore);
  useEffect(() => setText(route.q ?? ''), [route.q]);
  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        submitSearch(text, route);
      }}
    >
      <SearchIcon />
      <input
        id="search"
        type="search"
        value={text}
        autoComplete="off"
        spellcheck={false}
        enterKeyHint="search"
        aria-label={m.searchLabel}
        placeholder={search ? m.searchPlaceholder : m.searchPlaceholderOff}
        aria-keyshortcuts="/"
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {route.q && (
        <button
          type="button"
          class="icon-button"
          aria-label={m.clearSearch}
          title={m.clearSearch}
          onClick={() => navigate({ ...route, q: undefined })}
        >
          <CloseIcon size={16} />
        </button>
      )}
      <kbd class="search-hint" aria-hidden="true">
        /
      </kbd>
    </form>
  );
}

export function ThemeButton() {
  const choice = useStore(themeChoice);
  const label = m.theme[choice];
  return (
    <button
      type="button"
      class="icon-button"
      onClick={() => setTheme(nextTheme(choice))}
      aria-label={m.themeButton(label)}
      title={m.themeButton(label)}
      data-theme-choice={choice}
    >
      {choice === 'light' ? <SunIcon /> : choice === 'dark' ? <MoonIcon /> : <SystemIcon />}
    </button>
  );
}

export function Header({ route }: { route: Route }) {
  const config = useStore(configStore);
  const home = overviewRoute({ type: undefined, range: route.range });
  return (
    <header class="topbar">
      <a class="brand" href={href(home)} onClick={(e) => followLink(e, home)}>
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
          <rect width="32" height="32" rx="8" />
          <rect x="7" y="8" width="18" height="4" rx="2" class="bar1" />
          <rect x="7" y="14" width="13" height="4" rx="2" class="bar2" />
          <rect x="7" y="20" width="8" height="4" rx="2" class="bar3" />
        </svg>
        <span class="brand-title">{config.title}</span>
      </a>
      <SearchBox route={route} />
      <div class="topbar-tools">
        <LiveIndicator />
        {config.loaded && !config.canWrite && (
          <span class="badge badge-muted" title={m.readOnlyHint} data-testid="read-only">
            {m.readOnlyBadge}
          </span>
        )}
        <ThemeButton />
        <button
          type="button"
          class="icon-button hide-phone"
          aria-label={m.shortcutsButton}
          title={`${m.shortcutsButton} (?)`}
          onClick={openShortcuts}
          aria-keyshortcuts="?"
        >
          <KeyboardIcon />
        </button>
      </div>
    </header>
  );
}
