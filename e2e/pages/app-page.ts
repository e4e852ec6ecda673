import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { Host } from '../host';
import { NewRunPage } from './new-run-page';
import { RatePage } from './rate-page';
import { PlayPage } from './play-page';
import { RunPage } from './run-page';
import { RunsPage } from './runs-page';
import { TrajectoriesPage } from './trajectories-page';

const screenshots = path.resolve(import.meta.dirname, '..', 'screenshots');

/** The app shell: navigation, the connection banner, and a screenshot per screen. */
export class AppPage {
  constructor(
    readonly page: Page,
    private readonly host: Host,
  ) {}

  async open(hash = '#/runs'): Promise<void> {
    await this.page.goto(`${this.host.current.url}${hash}`);
    await expect(this.page.getByTestId('engine-state')).toHaveText(/engine: (ready|unknown)/);
  }

  async go(hash: string): Promise<void> {
    await this.page.evaluate((h) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = h;
    }, hash);
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  }

  /** One element only: a screen too long to read whole (a page of drawn games). */
  async screenshotOf(locator: Locator, name: string): Promise<void> {
    await locator.screenshot({ path: path.join(screenshots, `${name}.png`) });
  }

  runs(): RunsPage {
    return new RunsPage(this.page);
  }
  newRun(): NewRunPage {
    return new NewRunPage(this.page);
  }
  run(): RunPage {
    return new RunPage(this.page);
  }
  trajectories(): TrajectoriesPage {
    return new TrajectoriesPage(this.page);
  }
  rate(): RatePage {
    return new RatePage(this.page);
  }
  play(): PlayPage {
    return new PlayPage(this.page);
  }
}
