import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcMain, IpcMainInvokeEvent, MessageChannelMain, MessagePortMain } from 'electron';
import { CodedError, type CodedErrorShape } from '../shared/errors';
import { createRouter, toErrorShape, type RoutedEngine } from '../host/serve-router';
import { createTaskPathPolicy, realPath, type TaskPathPolicy } from '../host/task-paths';
import { ENGINE_PORT_MESSAGE, type RequestOutput } from '../shared/contract';
import { PORT_CHANNEL, REQUEST_CHANNEL } from '../preload/channels';

export type IpcReply = { ok: true; output: unknown } | { ok: false; error: CodedErrorShape };

/** Where our renderer lives: the dev server (electron-vite dev) or the built index.html. */
export interface RendererLocation {
  devUrl?: string;
  indexFile: string;
}

/** True only for our own page: same dev-server origin, or exactly the built index.html. */
export function isTrustedUrl(url: string | undefined, renderer: RendererLocation): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (renderer.devUrl) {
    return parsed.origin === new URL(renderer.devUrl).origin;
  }
  if (parsed.protocol !== 'file:') return false;
  parsed.hash = '';
  parsed.search = '';
  return path.resolve(fileURLToPath(parsed)) === path.resolve(renderer.indexFile);
}

/**
 * The app's router: contract validation and engine.kill as under `evolab serve`, and task files confined to the
 * workspace, since whatever runs in the renderer must not have the engine read any file on disk. `files.pickTask`
 * opens `chooseTaskFile` (the native dialog) and allows the real path of the file the person chose there, and only
 * that: the renderer can ask for the dialog, never name a path itself.
 */
export function createAppRouter(
  engine: RoutedEngine,
  options: { workspace: string; defaultBackend?: string; chooseTaskFile?: () => Promise<string | null> },
): {
  route: ReturnType<typeof createRouter>;
  taskPaths: TaskPathPolicy;
} {
  const taskPaths = createTaskPathPolicy({
    workspace: options.workspace,
    howToAllow: () => 'press "Choose file…" beside the task path and pick it',
  });
  const choose = options.chooseTaskFile;
  let picking: Promise<RequestOutput<'files.pickTask'>> | null = null;
  const pickTask = choose
    ? () => {
        // One dialog at a time: a page that asks again while it is open gets the same answer, not a second dialog.
        picking ??= choose()
          .then((chosen) => {
            if (chosen === null) return { path: null };
            // Allowed and returned as its real path, so the check at runs.start compares exactly this file.
            const real = realPath(chosen);
            taskPaths.allow(real);
            return { path: real };
          })
          .finally(() => {
            picking = null;
          });
        return picking;
      }
    : undefined;
  return { route: createRouter(engine, { defaultBackend: options.defaultBackend, taskPaths, pickTask }), taskPaths };
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/**
 * The router behind `ipcMain.handle('evolab:request')`: checks the sender's frame on every message,
 * then hands name and input to `route` (createRouter: contract validation, engine.kill, forwarding). Replies are values, never
 * thrown errors, because Electron reduces a thrown error to its message.
 */
export function createRequestHandler(route: (name: unknown, input: unknown) => Promise<unknown>, renderer: RendererLocation) {
  return async (event: SenderEvent, name: unknown, input: unknown): Promise<IpcReply> => {
    const frameUrl = event.senderFrame?.url;
    if (!isTrustedUrl(frameUrl, renderer)) {
      return {
        ok: false,
        error: new CodedError('unauthorized', `Requests are accepted only from the Evolab window, not from ${frameUrl ?? 'an unknown frame'}.`).toJSON(),
      };
    }
    try {
      return { ok: true, output: await route(name, input) };
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  };
}

export function registerRequestHandler(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handler: ReturnType<typeof createRequestHandler>): () => void {
  ipcMain.handle(REQUEST_CHANNEL, handler);
  return () => ipcMain.removeHandler(REQUEST_CHANNEL);
}

/** The structural parts of UtilityProcess and WebContents the hand-off uses (so tests need no Electron). */
export interface PortReceiver {
  postMessage(message: unknown, transfer?: MessagePortMain[]): void;
}
export interface RendererContents {
  postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void;
}

/**
 * Gives the engine and the renderer the two ends of a fresh channel, so streamed events go engine ->
 * renderer without passing through main. Called again whenever either side is replaced.
 */
export function handOffPort(createChannel: () => Pick<MessageChannelMain, 'port1' | 'port2'>, engine: PortReceiver, contents: RendererContents): void {
  const { port1, port2 } = createChannel();
  engine.postMessage(ENGINE_PORT_MESSAGE, [port1]);
  contents.postMessage(PORT_CHANNEL, null, [port2]);
}
