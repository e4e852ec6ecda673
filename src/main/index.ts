import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannelMain, app, dialog, ipcMain, session, type BrowserWindow } from 'electron';
import { EVENT_CHANNEL } from '../preload/channels';
import { createElectronEngine } from './engine';
import { createAppRouter, createRequestHandler, handOffPort, registerRequestHandler } from './ipc';
import { createOffSwitchActions, installMenu } from './menu';
import { createSettings } from './settings';
import { createTaskFileDialog } from './task-file-dialog';
import { createMainWindow, hardenSession, rendererLocation } from './window';

/**
 * The Electron main process: windows, menu, settings, engine supervision, request routing. Thin on
 * purpose: all training and storage happen in the engine utility process.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(here, '..', 'preload', 'index.cjs');

app.setName('Evolab');

async function main(): Promise<void> {
  await app.whenReady();
  const settings = createSettings();
  // EVOLAB_WORKSPACE (as for the CLI) wins, so tests and scripts can point the app at a scratch folder.
  const workspace = process.env.EVOLAB_WORKSPACE || (settings.get('workspace') ?? path.join(app.getPath('userData'), 'workspace'));
  const backend = settings.get('defaultBackend');
  const renderer = rendererLocation();
  hardenSession(session.defaultSession, Boolean(renderer.devUrl));

  const engine = createElectronEngine({ workspace, backend: backend === 'auto' ? undefined : backend });
  // The window is created below; the dialog is parented to it once it exists.
  let mainWindow: BrowserWindow | null = null;
  const { route } = createAppRouter(engine.host, {
    workspace,
    defaultBackend: backend === 'auto' ? undefined : backend,
    chooseTaskFile: createTaskFileDialog(dialog, () => mainWindow),
  });
  registerRequestHandler(ipcMain, createRequestHandler(route, renderer));

  const window = createMainWindow(settings, preloadPath);
  mainWindow = window;
  let pageLoaded = false;
  const offerPort = () => {
    const child = engine.current();
    if (pageLoaded && child && engine.host.state === 'ready' && !window.isDestroyed()) {
      handOffPort(() => new MessageChannelMain(), child, window.webContents);
    }
  };
  window.webContents.on('did-finish-load', () => {
    pageLoaded = true;
    offerPort();
  });
  window.webContents.on('render-process-gone', () => {
    pageLoaded = false;
  });

  // engine.status comes from here; engine events arrive here only when the engine does not use the port.
  engine.host.onEvent((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { type: 'event', name, payload });
    if (name === 'engine.status' && (payload as { state: string }).state === 'ready') offerPort();
  });
  engine.host.onCrash((exit) => console.error(`Evolab: the engine crashed (${exit.reason}); starting a fresh one.`));

  const report = (message: string) => {
    if (!window.isDestroyed()) void dialog.showMessageBox(window, { type: 'info', message });
  };
  const releaseShortcut = installMenu(
    createOffSwitchActions(
      (name, input) => engine.host.call(name, input),
      () => route('engine.kill', {}),
      report,
    ),
    (accelerator) => console.warn(`Evolab: the global shortcut ${accelerator} is taken by another application; use the Run menu.`),
  );

  await engine.host.start().catch((error: unknown) => report(`The engine did not start: ${error instanceof Error ? error.message : String(error)}`));

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    releaseShortcut();
    if (engine.host.state === 'ready' || engine.host.state === 'starting') {
      // Give the engine its graceful stop (database closed) before the app leaves.
      event.preventDefault();
      void engine.host.stop(5000).finally(() => app.quit());
    }
  });
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
}

// A second launch only focuses the first window (see 'second-instance'): one engine per workspace.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main().catch((error: unknown) => {
    dialog.showErrorBox('Evolab could not start', error instanceof Error ? (error.stack ?? error.message) : String(error));
    app.exit(1);
  });
}
