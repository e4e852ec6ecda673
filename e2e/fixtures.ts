import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { startHost, type Host } from './host';
import { AppPage } from './pages/app-page';

export type { Host } from './host';

/**
 * One host process per worker, on a fresh temporary workspace, torn down at the end. Tests reach the app
 * through `app`, a page object already opened at the host's URL.
 */
export const test = base.extend<{ app: AppPage }, { host: Host }>({
  host: [
    async ({}, use) => {
      const workspace = mkdtempSync(path.join(os.tmpdir(), 'evolab-e2e-'));
      let current = await startHost(workspace);
      const host: Host = {
        get current() {
          return current;
        },
        async restart() {
          await current.stop();
          current = await startHost(workspace);
          return current;
        },
      };
      await use(host);
      await current.stop();
      rmSync(workspace, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  app: async ({ page, host }, use) => {
    const app = new AppPage(page, host);
    await app.open();
    await use(app);
  },
});

export { expect } from '@playwright/test';
