import { expect, type Locator, type Page } from '@playwright/test';

/** The Lineage view of an archive run: the tree, a node's detail panel, and branching from a node. */
export class LineagePage {
  constructor(private readonly page: Page) {}

  tree(): Locator {
    return this.page.getByTestId('lineage-tree');
  }
  nodes(): Locator {
    return this.page.getByTestId('lineage-node');
  }
  node(id: string): Locator {
    return this.page.locator(`[data-testid=lineage-node][data-node-id="${id}"]`);
  }
  /** Nodes with a parent, kept ones first: they were made by a proposal, so they have a diff and evidence. */
  async nonRootNodeId(): Promise<string> {
    const kept = this.page.locator('[data-testid=lineage-node][data-status=kept]:not([data-parent-id=""])');
    const any = this.page.locator('[data-testid=lineage-node]:not([data-parent-id=""])');
    const pick = (await kept.count()) > 0 ? kept.first() : any.first();
    return (await pick.getAttribute('data-node-id')) ?? '';
  }
  async waitForNodes(atLeast: number, timeout = 30_000): Promise<void> {
    await expect.poll(() => this.nodes().count(), { timeout }).toBeGreaterThanOrEqual(atLeast);
  }
  async select(id: string): Promise<void> {
    await this.node(id).click();
    await expect(this.detail()).toHaveAttribute('data-node-id', id);
  }
  detail(): Locator {
    return this.page.getByTestId('lineage-detail');
  }
  diff(): Locator {
    return this.detail().getByTestId('proposal-diff');
  }
  evidence(): Locator {
    return this.detail().getByTestId('proposal-evidence');
  }
  budget(): Locator {
    return this.page.getByTestId('lineage-budget');
  }
  growth(): Locator {
    return this.page.getByTestId('lineage-growth');
  }
  /** Opens New run prefilled with this run's config, starting from the selected node. */
  async branch(): Promise<void> {
    await this.detail().getByTestId('branch-node').click();
    await this.page.waitForURL(/#\/new$/);
  }
}

/** The Compare view: comparison groups, the curves and the table. */
export class ComparePage {
  constructor(private readonly page: Page) {}

  group(id: string): Locator {
    return this.page.locator(`[data-testid=compare-group][data-group="${id}"]`);
  }
  rows(): Locator {
    return this.page.getByTestId('compare-row');
  }
  charts(): Locator {
    return this.page.getByTestId('compare-chart');
  }
}
