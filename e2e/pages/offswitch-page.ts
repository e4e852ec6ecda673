import type { Locator, Page } from '@playwright/test';

/** The Off-switch page: the heat map with its controls, and the learned view's decisions. */
export class OffswitchPage {
  constructor(readonly page: Page) {}

  heatMap(): Locator {
    return this.page.getByTestId('heat-map');
  }
  cells(sign: 'positive' | 'negative' | 'zero'): Locator {
    return this.heatMap().locator(`rect[data-sign=${sign}]`);
  }
  signLine(): Locator {
    return this.heatMap().getByTestId('sign-line');
  }
  async setGrid(field: string, value: string): Promise<void> {
    await this.page.getByTestId(`grid-${field}`).fill(value);
  }
  async setLearn(field: string, value: string): Promise<void> {
    await this.page.getByTestId(`learn-${field}`).fill(value);
  }
  now(): Locator {
    return this.page.getByTestId('deference-now');
  }
  steps(): Locator {
    return this.page.getByTestId('deference-steps').locator('tbody tr');
  }
  async decide(decision: 'approve' | 'reject' | 'undo'): Promise<void> {
    await this.page.getByTestId(`decide-${decision}`).click();
  }
  async clear(): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear' }).click();
  }
  chart(): Locator {
    return this.page.getByTestId('deference-chart');
  }
}
