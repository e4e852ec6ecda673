import { Menu, globalShortcut, type MenuItemConstructorOptions } from 'electron';
import type { RunSummary } from '../shared/run';

export interface OffSwitchActions {
  pause(): void;
  resume(): void;
  stop(): void;
  kill(): void;
}

/** Works while any Evolab window is focused or not: the off switch must be reachable from anywhere. */
export const KILL_GLOBAL_SHORTCUT = 'CommandOrControl+Alt+Shift+K';

export const OFF_SWITCH_ACCELERATORS = {
  pause: 'CommandOrControl+Shift+P',
  resume: 'CommandOrControl+Shift+R',
  stop: 'CommandOrControl+Shift+S',
  kill: 'CommandOrControl+Shift+K',
} as const;

export function menuTemplate(actions: OffSwitchActions, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (platform === 'darwin') template.push({ role: 'appMenu' });
  template.push(
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'Run',
      submenu: [
        { label: 'Pause', accelerator: OFF_SWITCH_ACCELERATORS.pause, click: () => actions.pause() },
        { label: 'Resume', accelerator: OFF_SWITCH_ACCELERATORS.resume, click: () => actions.resume() },
        { label: 'Stop', accelerator: OFF_SWITCH_ACCELERATORS.stop, click: () => actions.stop() },
        { type: 'separator' },
        { label: 'Kill engine', accelerator: OFF_SWITCH_ACCELERATORS.kill, click: () => actions.kill() },
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  );
  return template;
}

/** Installs the menu and the global Kill shortcut; returns a function that releases the shortcut. */
export function installMenu(actions: OffSwitchActions, onShortcutTaken: (accelerator: string) => void): () => void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions)));
  if (!globalShortcut.register(KILL_GLOBAL_SHORTCUT, () => actions.kill())) onShortcutTaken(KILL_GLOBAL_SHORTCUT);
  return () => globalShortcut.unregister(KILL_GLOBAL_SHORTCUT);
}

type Call = (name: 'runs.list' | 'runs.pause' | 'runs.resume' | 'runs.stop', input: unknown) => Promise<unknown>;

/** The run a menu action applies to: the most recently updated run in one of `statuses`. */
export function pickRun(runs: RunSummary[], statuses: RunSummary['status'][]): RunSummary | null {
  return [...runs].filter((run) => statuses.includes(run.status)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] ?? null;
}

/** Menu actions over the engine: pause/stop the live run, resume the paused (or interrupted) one, kill the engine. */
export function createOffSwitchActions(call: Call, kill: () => Promise<unknown>, report: (message: string) => void): OffSwitchActions {
  const onRun = (verb: 'runs.pause' | 'runs.resume' | 'runs.stop', statuses: RunSummary['status'][]) => () => {
    void (async () => {
      const runs = (await call('runs.list', {})) as RunSummary[];
      const run = pickRun(runs, statuses);
      if (!run) {
        report(`No run to ${verb.slice(5)}: none is ${statuses.join(' or ')}.`);
        return;
      }
      await call(verb, { runId: run.id });
    })().catch((error: unknown) => report(`Could not ${verb.slice(5)}: ${error instanceof Error ? error.message : String(error)}`));
  };
  return {
    pause: onRun('runs.pause', ['running']),
    resume: onRun('runs.resume', ['paused', 'interrupted', 'stopped']),
    stop: onRun('runs.stop', ['running', 'paused']),
    kill: () => {
      void kill().catch((error: unknown) => report(`Kill failed: ${String(error)}`));
    },
  };
}
