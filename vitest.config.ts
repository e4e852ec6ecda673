import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Recipe smoke tests are CPU-bound; two workers match CI's two cores.
    pool: 'forks',
    maxWorkers: 2,
    // Inlined so that tests of main-process code can vi.mock('electron') underneath electron-store.
    server: { deps: { inline: ['electron-store'] } },
  },
});
