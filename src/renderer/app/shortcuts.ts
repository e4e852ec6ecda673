import { runActions, runStore, selectShown } from '../features/run/run-store';

export type ShortcutAction = 'kill' | 'pause' | 'stop' | null;

/** Ctrl+Shift+K kills the engine, Ctrl+Shift+P pauses (or resumes) and Ctrl+Shift+S stops the open run. */
export function shortcutFor(e: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'key'>): ShortcutAction {
  if (!(e.ctrlKey || e.metaKey) || !e.shiftKey) return null;
  const key = e.key.toLowerCase();
  if (key === 'k') return 'kill';
  if (key === 'p') return 'pause';
  if (key === 's') return 'stop';
  return null;
}

export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    const action = shortcutFor(e);
    if (!action) return;
    e.preventDefault();
    const s = runStore.getState();
    const shown = selectShown(s);
    if (action === 'kill') void runActions.act('kill', shown);
    else if (!s.runId) return;
    else if (action === 'pause') void runActions.act(s.status === 'paused' ? 'resume' : 'pause', shown);
    else void runActions.act('stop', shown);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
