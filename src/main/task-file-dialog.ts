import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron';

const OPTIONS: OpenDialogOptions = {
  title: 'Choose a task file',
  buttonLabel: 'Use this file',
  properties: ['openFile'],
  filters: [{ name: 'JSON Lines task files', extensions: ['jsonl'] }],
};

/**
 * The native open-file dialog for a jsonl task file, parented to the app's window so it is modal to it. Resolves
 * to the chosen path, or null when the person cancelled. Nothing from the renderer shapes it: a page can ask for
 * the dialog, only the person can fill it.
 */
export function createTaskFileDialog(dialog: Pick<Dialog, 'showOpenDialog'>, parent: () => BaseWindow | null): () => Promise<string | null> {
  return async () => {
    const window = parent();
    const result = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, OPTIONS) : await dialog.showOpenDialog(OPTIONS);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
}
