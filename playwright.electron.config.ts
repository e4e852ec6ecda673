import { defineConfig } from '@playwright/test';

/** The desktop-app spec alone (the browser suite's config leaves it out): `npm run build` first. */
export default defineConfig({
  testDir: './e2e',
  testMatch: /electron\.spec\.ts$/,
  outputDir: 'test-results/electron',
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
});
