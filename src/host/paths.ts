import os from 'node:os';
import path from 'node:path';

/** The app's userData folder, as Electron names it for the product "Evolab", computed without Electron. */
export function userDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Evolab');
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Evolab');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'Evolab');
}

/** The workspace used when none is given: $EVOLAB_WORKSPACE, else `<userData>/workspace` (shared with the desktop app). */
export function defaultWorkspace(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (env.EVOLAB_WORKSPACE) return path.resolve(env.EVOLAB_WORKSPACE);
  const base = userDataDir(platform, env, home);
  return platform === 'win32' ? path.win32.join(base, 'workspace') : path.join(base, 'workspace');
}
