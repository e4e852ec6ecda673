import type { Locator, Page } from '@playwright/test';

export class TrajectoriesPage {
  constructor(private readonly page: Page) {}

  samples(): Locator {
    return this.page.getByTestId('trajectory');
  }
  total(): Locator {
    return this.page.getByTestId('traj-total');
  }
  async filter(name: 'all' | 'kept' | 'rejected' | 'correct' | 'incorrect'): Promise<void> {
    await this.page.getByTestId(`traj-filter-${name}`).click();
  }
  async iteration(value: string): Promise<void> {
    await this.page.getByTestId('traj-iteration').selectOption(value);
  }
  async search(text: string): Promise<void> {
    await this.page.getByTestId('traj-search').fill(text);
  }
  samePromptView(): Locator {
    return this.page.getByTestId('same-prompt-view');
  }
  /** The first sample on the page that is the `role` side of a training pair. */
  pairSample(role: 'chosen' | 'rejected'): Locator {
    return this.samples()
      .filter({ has: this.page.getByTestId('pair-chip').filter({ hasText: role }) })
      .first();
  }
  pairView(): Locator {
    return this.page.getByTestId('pair-view');
  }
}
