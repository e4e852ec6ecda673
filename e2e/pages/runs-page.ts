import type { Locator, Page } from '@playwright/test';

export class RunsPage {
  constructor(private readonly page: Page) {}

  row(runId: string): Locator {
    return this.page.locator(`[data-testid=run-row][data-run-id="${runId}"]`);
  }
  rows(): Locator {
    return this.page.getByTestId('run-row');
  }
  async filter(text: string): Promise<void> {
    await this.page.getByTestId('runs-filter').fill(text);
  }
  async filterStatus(status: string): Promise<void> {
    await this.page.getByTestId('runs-status-filter').selectOption(status);
  }
  async open(runId: string): Promise<void> {
    await this.row(runId).getByRole('link').click();
  }
}
