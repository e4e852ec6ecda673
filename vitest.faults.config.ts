import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`npm run test:faults`): random SIGKILLs of governed and archive runs and of
 * `evolab decide`, a WebSocket frame fuzzer against the host, and audit-log tampering. Each file records its
 * counts with recordFaults(); src/host/faults/summary.ts prints them and fails on any non-zero failure count.
 * FAULTS_SCALE (default 1) multiplies the number of trials; each file bounds its own time.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.faults.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
