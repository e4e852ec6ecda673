import { describe, expect, it } from 'vitest';
import { defaultWorkspace } from './paths';

describe('defaultWorkspace', () => {
  it('prefers $EVOLAB_WORKSPACE', () => {
    expect(defaultWorkspace('linux', { EVOLAB_WORKSPACE: '/data/ws' }, '/home/u')).toBe('/data/ws');
  });
  it("is the desktop app's userData workspace on each platform", () => {
    expect(defaultWorkspace('linux', {}, '/home/u')).toBe('/home/u/.config/Evolab/workspace');
    expect(defaultWorkspace('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/Evolab/workspace');
    expect(defaultWorkspace('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Evolab\\workspace');
  });
});
