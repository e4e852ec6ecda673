import { expect, type Locator, type Page } from '@playwright/test';

/** The Play page: pickers, the table, the person's moves, the record against the run. */
export class PlayPage {
  constructor(private readonly page: Page) {}

  async pick(what: 'run' | 'checkpoint' | 'game' | 'seat' | 'choice', value: string): Promise<void> {
    await this.page.getByTestId(`play-${what}`).selectOption(value);
  }
  picker(what: 'run' | 'checkpoint' | 'game' | 'seat' | 'choice'): Locator {
    return this.page.getByTestId(`play-${what}`);
  }
  async start(): Promise<void> {
    await this.page.getByTestId('play-start').click();
  }
  table(): Locator {
    return this.page.getByTestId('play-table');
  }
  moves(): Locator {
    return this.page.getByTestId('play-move');
  }
  result(): Locator {
    return this.page.getByTestId('play-result');
  }
  records(): Locator {
    return this.page.getByTestId('play-record');
  }
  recent(): Locator {
    return this.page.getByTestId('play-recent');
  }
  /** Plays the first legal move until the game is over (at most `limit` moves); returns the moves the person played. */
  async playToEnd(limit = 20): Promise<number> {
    for (let played = 0; played < limit; played++) {
      const table = this.table();
      await expect(table).toHaveAttribute('data-busy', 'false');
      if ((await table.getAttribute('data-outcome')) !== '') return played;
      const before = Number(await table.getAttribute('data-moves'));
      await this.moves().first().click();
      // The engine answers with the agent's reply: the table has more moves (or the game is over).
      await expect.poll(async () => Number(await table.getAttribute('data-moves'))).toBeGreaterThan(before);
    }
    throw new Error(`the game did not end within ${limit} moves`);
  }
}
