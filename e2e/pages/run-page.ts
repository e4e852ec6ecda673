import { expect, type Locator, type Page } from '@playwright/test';

export interface LatencySample {
  action: string;
  ms: number;
  from: string;
  to: string;
}

export class RunPage {
  constructor(private readonly page: Page) {}

  status(): Locator {
    return this.page.getByTestId('run-status');
  }
  charts(): Locator {
    return this.page.getByTestId('chart');
  }
  timelineDone(): Locator {
    return this.page.locator('[data-testid=timeline] li.done');
  }
  exportLink(format: 'json' | 'csv'): Locator {
    return this.page.getByTestId(`export-${format}`);
  }
  button(name: 'pause' | 'resume' | 'stop' | 'kill'): Locator {
    return this.page.getByTestId(name);
  }
  async waitForStatus(status: RegExp | string, timeout = 120_000): Promise<void> {
    await expect(this.status()).toHaveAttribute('data-status', status, { timeout });
  }
  /** Waits until the engine reports the run is inside an iteration (past the warm-up), i.e. training. */
  async waitForTraining(timeout = 120_000): Promise<void> {
    await expect(this.page.locator('.run-progress [role=progressbar]')).toBeVisible({ timeout });
  }
  /** Click-to-screen latencies the app measured for off-switch actions. */
  async latencies(): Promise<LatencySample[]> {
    return this.page.evaluate(() => (globalThis as unknown as { __evolabOffSwitchLatency?: LatencySample[] }).__evolabOffSwitchLatency ?? []);
  }
}
