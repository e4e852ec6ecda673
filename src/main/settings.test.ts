import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => {
  const electron = {
    app: { getPath: () => tmpdir(), getVersion: () => '0.1.0' },
    ipcMain: { on: () => undefined },
    shell: { openPath: async () => '' },
  };
  return { default: electron, ...electron };
});

const { createSettings, SETTINGS_FORMAT } = await import('./settings');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolab-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeFirstRelease(values: Record<string, unknown>): void {
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...values, __internal__: { migrations: { version: '1.0.0' } } }));
}

describe('settings', () => {
  it('starts with defaults: system theme, default workspace, auto backend', () => {
    const settings = createSettings({ cwd: dir });
    expect(settings.get('theme')).toBe('system');
    expect(settings.get('workspace')).toBeNull();
    expect(settings.get('defaultBackend')).toBe('auto');
    expect(settings.get('window')).toEqual({ bounds: { width: 1280, height: 820 }, maximized: false });
  });

  it("migrates the first release's shape and keeps the user's choices", () => {
    writeFirstRelease({ bounds: { x: 10, y: 20, width: 1000.4, height: 700 }, theme: 'dark', workspace: '/data/evolab', backend: 'wasm' });
    const settings = createSettings({ cwd: dir });
    expect(settings.get('window')).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
    expect(settings.get('theme')).toBe('dark');
    expect(settings.get('workspace')).toBe('/data/evolab');
    expect(settings.get('defaultBackend')).toBe('wasm');
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(onDisk.bounds).toBeUndefined();
    expect(onDisk.backend).toBeUndefined();
    expect((onDisk.__internal__ as { migrations: { version: string } }).migrations.version).toBe(SETTINGS_FORMAT);
  });

  it("turns the first release's empty workspace into the default and drops an unknown backend", () => {
    writeFirstRelease({ theme: 'light', workspace: '', backend: 'quantum' });
    const settings = createSettings({ cwd: dir });
    expect(settings.get('workspace')).toBeNull();
    expect(settings.get('defaultBackend')).toBe('auto');
    expect(settings.get('theme')).toBe('light');
  });

  it('refuses a value outside the schema', () => {
    const settings = createSettings({ cwd: dir });
    expect(() => settings.set('theme', 'neon' as 'dark')).toThrow(/theme/);
  });
});
