import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/**/*.test.ts'],
    environment: 'node',
    // A limit for a hung test, not a speed target: the text recipes' smoke runs take about a minute each on two
    // free cores, and over two minutes when the machine is shared.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Recipe smoke tests are CPU-bound; two workers match CI's two cores.
    pool: 'forks',
    maxWorkers: 2,
    // Inlined so that tests of main-process code can vi.mock('electron') underneath electron-store.
    server: { deps: { inline: ['electron-store'] } },
  },
});
