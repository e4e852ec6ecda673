import { expect, type Locator, type Page } from '@playwright/test';

/** The approvals inbox: pending and decided proposals across runs, and the navigation badge. */
export class ApprovalsPage {
  constructor(private readonly page: Page) {}

  navCount(): Locator {
    return this.page.getByTestId('nav-approvals-count');
  }
  /** The number in the navigation badge (0 when hidden). */
  async pendingInNav(): Promise<number> {
    if ((await this.navCount().count()) === 0) return 0;
    return Number((await this.navCount().textContent()) ?? '0') || 0;
  }
  cards(status?: string): Locator {
    return this.page.locator(status ? `[data-testid=proposal-card][data-status="${status}"]` : '[data-testid=proposal-card]');
  }
  card(id: string): Locator {
    return this.page.locator(`[data-testid=proposal-card][data-proposal-id="${id}"]`);
  }
  empty(): Locator {
    return this.page.getByTestId('approvals-empty');
  }
  async tab(name: 'pending' | 'decided' | 'policy'): Promise<void> {
    await this.page.getByTestId(`tab-${name}`).click();
  }
  /** Waits until the pending list has loaded: either cards or the empty state. */
  async waitForList(timeout = 30_000): Promise<void> {
    await expect(this.cards('pending').first().or(this.empty())).toBeVisible({ timeout });
  }
  /** The pending proposal to reject: one flagged as reward hacking when there is one, else the first. */
  async pickToReject(): Promise<string> {
    const flagged = this.page.locator('[data-testid=proposal-card][data-status=pending][data-flags~="reward-hacking"]');
    const card = (await flagged.count()) > 0 ? flagged.first() : this.cards('pending').first();
    return (await card.getAttribute('data-proposal-id')) ?? '';
  }
  async reject(id: string, reason: string): Promise<void> {
    const card = this.card(id);
    await card.getByTestId('reject').click();
    await card.getByTestId('reject-reason').fill(reason);
    await card.getByTestId('confirm-reject').click();
    await this.leftPending(id);
  }
  async approve(id: string): Promise<void> {
    await this.card(id).getByTestId('approve').click();
    await this.leftPending(id);
  }
  /** A decided proposal leaves the pending list; an error the engine gave stays on its card and fails the wait. */
  private async leftPending(id: string): Promise<void> {
    const card = this.page.locator(`[data-testid=proposal-card][data-status=pending][data-proposal-id="${id}"]`);
    const error = card.getByTestId('decide-error');
    await expect
      .poll(async () => ((await error.count()) > 0 ? `decision refused: ${await error.textContent()}` : await card.count()), { timeout: 30_000 })
      .toBe(0);
  }
}
