import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, type Session } from 'electron';
import type { RendererLocation } from './ipc';
import { isTrustedUrl } from './ipc';
import type { SettingsStore } from './settings';

export function rendererLocation(): RendererLocation {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return {
    // Set by electron-vite dev only; a packaged app always loads the built file.
    devUrl: process.env.ELECTRON_RENDERER_URL,
    indexFile: path.join(here, '..', 'renderer', 'index.html'),
  };
}

/** Self only; the dev server additionally needs its HMR socket and React's inline refresh preamble. */
export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self'" + (dev ? " 'unsafe-inline'" : ''),
    "img-src 'self' data:",
    "font-src 'self'",
    dev ? "connect-src 'self' ws://localhost:* http://localhost:*" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Session-wide hardening: CSP on every response, every permission (camera, notifications, ...) denied. */
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
