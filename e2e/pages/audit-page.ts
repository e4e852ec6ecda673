import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';

/** A run's audit log: rows, filters, the chain verification line and the exports. */
export class AuditPage {
  constructor(private readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('audit-row');
  }
  row(action: string, proposalId: string): Locator {
    return this.page.locator(`[data-testid=audit-row][data-action="${action}"][data-proposal-id="${proposalId}"]`);
  }
  verification(): Locator {
    return this.page.getByTestId('audit-verification');
  }
  async filterAction(action: string): Promise<void> {
    await this.page.getByTestId('audit-filter-action').selectOption(action);
  }
  async filterProposal(text: string): Promise<void> {
    await this.page.getByTestId('audit-filter-proposal').fill(text);
  }
  /** Clicks an export button and returns the downloaded file's name and text. */
  async export(format: 'json' | 'md'): Promise<{ fileName: string; content: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(`audit-export-${format}`).click()]);
    const file = await download.path();
    return { fileName: download.suggestedFilename(), content: readFileSync(file, 'utf8') };
  }
}
