import { render } from 'preact';
import { App } from './components/app';
import { loadConfig } from './config';
import { startKeyboard } from './keyboard';
import { startLive } from './live';
import { startTheme } from './theme';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/feedback.css';
import './styles/overview.css';
import './styles/list.css';
import './styles/detail.css';

startTheme();
void loadConfig();
startLive();
startKeyboard();
render(<App />, document.getElementById('app')!);
