import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { wireEvents } from './app/events';
import { installShortcuts } from './app/shortcuts';
import './app/styles.css';
import { getBridge } from './lib/bridge';

wireEvents(getBridge());
installShortcuts();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
