import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('the Node version a user needs', () => {
  it("is the same in the README's quickstart and package.json's engines", () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const minimum = /^>=\s*(\d+\.\d+)/.exec(engines)?.[1];
    expect(minimum, `package.json engines.node is "${engines}"`).toBeDefined();
    expect(read('README.md')).toContain(`Requires Node.js ${minimum} or newer`);
  });

  it("matches the launcher's re-run threshold", () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const launcher = /const MIN_MAJOR = (\d+);/.exec(read('bin/evolab.js'))?.[1];
    expect(engines.startsWith(`>=${launcher}.`)).toBe(true);
  });
});
