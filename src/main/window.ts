import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, type Session } from 'electron';
import { contentSecurityPolicy } from './csp';
import type { RendererLocation } from './ipc';
import { isTrustedUrl } from './ipc';
import type { SettingsStore } from './settings';

export function rendererLocation(): RendererLocation {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return {
    // Set by electron-vite dev; a packaged app ignores it, so no variable can point it at another page.
    devUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
    indexFile: path.join(here, '..', 'renderer', 'index.html'),
  };
}

/**
 * Session-wide hardening: CSP on every response, every permission (camera, notifications, ...) denied.
 * file:// pages get no response headers, so the built index.html also carries the policy as a meta tag.
 */
export function hardenSession(session: Session, dev: boolean): void {
  const csp = contentSecurityPolicy(dev);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(settings: SettingsStore, preload: string): BrowserWindow {
  const renderer = rendererLocation();
  const saved = settings.get('window');
  const window = new BrowserWindow({
    ...saved.bounds,
    minWidth: 800,
    minHeight: 560,
    title: 'Evolab',
    show: false,
    backgroundColor: '#111418',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const contents = window.webContents;
  // Our page never navigates away and never opens windows; links to elsewhere stay dead.
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, renderer)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url, renderer)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());

  const saveBounds = () => {
    if (window.isDestroyed()) return;
    const maximized = window.isMaximized();
    settings.set('window', { bounds: window.getNormalBounds(), maximized });
  };
  window.on('close', saveBounds);

  if (renderer.devUrl) void window.loadURL(renderer.devUrl);
  else void window.loadFile(renderer.indexFile);
  return window;
}
