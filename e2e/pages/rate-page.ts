import type { Locator, Page } from '@playwright/test';

/** The Rate page: the pair shown, its buttons and keys, the per-run counts and what the run did with the choices. */
export class RatePage {
  constructor(private readonly page: Page) {}

  pair(): Locator {
    return this.page.getByTestId('rate-pair');
  }
  /** The id of the pair shown (`<run>-i<iteration>-<index>`). */
  async pairId(): Promise<string> {
    return (await this.pair().getAttribute('data-pair')) ?? '';
  }
  output(side: 'a' | 'b'): Locator {
    return this.page.getByTestId(`rate-output-${side}`).locator('pre');
  }
  button(choice: 'a' | 'b' | 'skip'): Locator {
    return this.page.getByTestId(choice === 'skip' ? 'rate-skip' : `rate-choose-${choice}`);
  }
  waiting(): Locator {
    return this.page.getByTestId('rate-waiting');
  }
  runCount(runId: string): Locator {
    return this.page.locator(`[data-testid=rate-run-count][data-run="${runId}"]`);
  }
  summaryRow(iteration: number): Locator {
    return this.page.locator(`[data-testid=rate-summary-row][data-iteration="${iteration}"]`);
  }
  shortcuts(): Locator {
    return this.page.getByTestId('rate-shortcuts');
  }
  empty(): Locator {
    return this.page.getByTestId('rate-empty');
  }
  navCount(): Locator {
    return this.page.getByTestId('nav-rate-count');
  }
}
