import { describe, expect, it } from 'vitest';
import { appWorkspaceSetting, defaultWorkspace } from './paths';

const none = () => null;

describe('defaultWorkspace', () => {
  it('prefers $EVOLAB_WORKSPACE', () => {
    expect(defaultWorkspace('linux', { EVOLAB_WORKSPACE: '/data/ws' }, '/home/u', none)).toBe('/data/ws');
  });
  it("is the desktop app's userData workspace on each platform", () => {
    expect(defaultWorkspace('linux', {}, '/home/u', none)).toBe('/home/u/.config/Evolab/workspace');
    expect(defaultWorkspace('darwin', {}, '/Users/u', none)).toBe('/Users/u/Library/Application Support/Evolab/workspace');
    expect(defaultWorkspace('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u', none)).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Evolab\\workspace',
    );
  });
  it("follows the workspace chosen in the app's Settings, so the CLI sees the app's runs without --workspace", () => {
    const settings = (workspace: unknown) => (file: string) =>
      file === '/home/u/.config/Evolab/settings.json' ? JSON.stringify({ theme: 'dark', workspace }) : null;
    expect(defaultWorkspace('linux', {}, '/home/u', settings('/data/evolab'))).toBe('/data/evolab');
    // The app's default (null, or '' in the first settings format) and an unreadable file leave the default.
    expect(defaultWorkspace('linux', {}, '/home/u', settings(null))).toBe('/home/u/.config/Evolab/workspace');
    expect(defaultWorkspace('linux', {}, '/home/u', settings(''))).toBe('/home/u/.config/Evolab/workspace');
    expect(appWorkspaceSetting('/home/u/.config/Evolab', () => '{not json')).toBeNull();
    // $EVOLAB_WORKSPACE still wins, as it does for the app.
    expect(defaultWorkspace('linux', { EVOLAB_WORKSPACE: '/x' }, '/home/u', settings('/data/evolab'))).toBe('/x');
  });
});
