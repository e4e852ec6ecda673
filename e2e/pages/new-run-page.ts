import type { Locator, Page } from '@playwright/test';

export class NewRunPage {
  constructor(private readonly page: Page) {}

  card(preset: string): Locator {
    return this.page.locator(`[data-testid=preset-card][data-preset="${preset}"]`);
  }
  /** Starts a preset from the gallery and returns the new run's id from the URL it opens. */
  async startPreset(preset: string): Promise<string> {
    await this.card(preset).getByTestId('preset-start').click();
    await this.page.waitForURL(/#\/runs\/[^/]+$/);
    return decodeURIComponent(new URL(this.page.url()).hash.split('/')[2]);
  }
  /** The notice of a refused start, at the card (or the form's Start button, for 'form') that was clicked. */
  refusal(at: string): Locator {
    return at === 'form' ? this.page.locator('.form-actions [data-testid=start-refused]') : this.card(at).getByTestId('start-refused');
  }
  async customize(preset: string): Promise<void> {
    await this.card(preset).getByTestId('preset-customize').click();
  }
  field(path: string): Locator {
    return this.page.getByTestId(`field-${path}`);
  }
  fieldError(path: string): Locator {
    return this.page.getByTestId(`field-error-${path}`);
  }
  /** Types into a field and commits it (the form commits on blur). */
  async setField(path: string, value: string): Promise<void> {
    await this.field(path).fill(value);
    await this.field(path).press('Tab');
  }
  startButton(): Locator {
    return this.page.getByTestId('form-start');
  }
}
