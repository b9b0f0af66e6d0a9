import { useEffect } from 'preact/hooks';
import { configStore } from '../config';
import { m, pageNames, stateNames } from '../messages';
import { routeStore } from '../router';
import { useStore } from '../store';
import { ConfirmHost } from './confirm';
import { GroupsPage } from './groups';
import { Header } from './header';
import { JobDetail } from './job-detail';
import { JobList } from './job-list';
import { LimitsPage } from './limits';
import { LiveBanner } from './live-status';
import { Nav } from './nav';
import { Overview } from './overview';
import { Schedules } from './schedules';
import { Activity } from './activity';
import { ShortcutsHelp } from './shortcuts-help';
import { Toasts } from './toasts';

export function App() {
  const route = useStore(routeStore);
  const { title } = useStore(configStore);

  useEffect(() => {
    const view =
      route.view === 'overview'
        ? m.overview
        : route.view !== 'list'
          ? pageNames[route.view]
          : route.state === 'all'
            ? m.allStates
            : stateNames[route.state];
    document.title = route.job ? `${m.jobTitle(route.job)} · ${title}` : `${view} · ${title}`;
  }, [route.view, route.state, route.job, title]);

  return (
    <div class="app">
      <a class="skip-link" href="#main">
        {m.skipToContent}
      </a>
      <Header route={route} />
      <div class="layout">
        <Nav route={route} />
        <main id="main" class="main" tabIndex={-1}>
          <LiveBanner />
          {route.view === 'overview' && <Overview route={route} />}
          {route.view === 'list' && <JobList route={route} />}
          {route.view === 'schedules' && <Schedules />}
          {route.view === 'activity' && <Activity />}
          {route.view === 'limits' && <LimitsPage />}
          {route.view === 'groups' && <GroupsPage route={route} />}
        </main>
      </div>
      {route.job && <JobDetail id={route.job} />}
      <Toasts />
      <ConfirmHost />
      <ShortcutsHelp />
    </div>
  );
}
