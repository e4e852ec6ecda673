import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The app's userData folder, as Electron names it for the product "Evolab", computed without Electron. */
export function userDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Evolab');
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Evolab');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'Evolab');
}

/** Reads a file's text, or null when it cannot be read (absent, unreadable). */
export type ReadText = (file: string) => string | null;
const readText: ReadText = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/**
 * The workspace the desktop app was told to use in Settings (its `settings.json` in userData), or null when it uses
 * its default. A settings file that cannot be read or parsed counts as none: the app itself then starts on defaults.
 */
export function appWorkspaceSetting(userData: string, read: ReadText = readText, platform: NodeJS.Platform = process.platform): string | null {
  const text = read((platform === 'win32' ? path.win32 : path).join(userData, 'settings.json'));
  if (text === null) return null;
  try {
    const workspace = (JSON.parse(text) as { workspace?: unknown }).workspace;
    return typeof workspace === 'string' && workspace.trim() !== '' ? workspace : null;
  } catch {
    return null;
  }
}

/**
 * The workspace used when none is given, the same one the desktop app opens: $EVOLAB_WORKSPACE, else the folder
 * chosen in the app's Settings, else `<userData>/workspace`.
 */
export function defaultWorkspace(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
  read: ReadText = readText,
): string {
  if (env.EVOLAB_WORKSPACE) return path.resolve(env.EVOLAB_WORKSPACE);
  const base = userDataDir(platform, env, home);
  const chosen = appWorkspaceSetting(base, read, platform);
  if (chosen !== null) return platform === 'win32' ? path.win32.resolve(chosen) : path.resolve(chosen);
  return platform === 'win32' ? path.win32.join(base, 'workspace') : path.join(base, 'workspace');
}
