import { defineConfig } from '@playwright/test';

/**
 * Browser end-to-end suite: Debian's Chromium drives the renderer served by the real `evolab serve` host and
 * engine (see e2e/fixtures.ts). One worker: the tests share one host and its engine, and training is CPU-bound.
 */
export default defineConfig({
  testDir: './e2e',
  testMatch: /.*\.spec\.ts$/,
  testIgnore: /electron\.spec\.ts$/,
  outputDir: 'test-results/playwright',
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.EVOLAB_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
