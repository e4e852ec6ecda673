import { describe, expect, it } from 'vitest';
import { table, terminalSafe } from './common';

describe('terminal output', () => {
  it('a cell cannot forge a row or move the cursor: line breaks become spaces, controls are shown escaped', () => {
    const lines = table([
      ['SEQ', 'ACTOR', 'REASON'],
      ['1', 'person:ada', 'fine\n2  person:root  approved\r\n3'],
      ['4', 'gate\u001b[2K\r', 'a\u2028b'],
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1 +person:ada +fine 2  person:root  approved 3$/);
    expect(lines[2]).toContain('gate\\u001b[2K\\u000d');
    expect(lines[2]).toContain('a\\u2028b');
    expect(terminalSafe('tab\there')).toBe('tab here');
  });
});
