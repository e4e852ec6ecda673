import { expect, test } from './fixtures';
import type { AppPage } from './pages/app-page';
import { ComparePage, LineagePage } from './pages/lineage-page';

/**
 * Open-ended runs end to end: two archive runs of the smoke preset (DGM and HGM, one comparison id) started from
 * New run with the open-ended (archive) policy, under which only flagged children wait for a person; the Lineage view of the first shows its tree, a node's diff against its parent and
 * its evidence; the Compare view shows both runs' curves and table; a run branched from a node starts from it.
 */
const PRESET = 'addition-archive-smoke';
const COMPARISON = `e2e-${Date.now().toString(36)}`;
const BUDGET = 600;

/** Customises the preset in the New-run form (strategy, comparison id) and starts it; returns the run id. */
async function startArchiveRun(app: AppPage, strategy: 'dgm' | 'hgm'): Promise<string> {
  const page = app.page;
  const form = app.newRun();
  await app.go('#/new');
  await page.getByTestId('new-run-policy').selectOption('archive');
  await form.customize(PRESET);
  await form.field('archive.strategy').selectOption(strategy);
  await form.setField('archive.comparison', COMPARISON);
  // Half the preset's budget: enough for a tree of several generations, and the spec stays within minutes.
  await form.setField('archive.budget', String(BUDGET));
  await expect(page.getByTestId('form-invalid')).toHaveCount(0);
  await form.startButton().click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 30_000 });
  return decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
}

test("an archive run's lineage, a comparison of two strategies, and a run branched from a node", async ({ app, page }) => {
  // Two smoke searches one after the other (the engine runs one at a time), then a branch that only has to start.
  test.setTimeout(360_000);
  const run = app.run();
  const lineage = new LineagePage(page);

  const dgmRun = await startArchiveRun(app, 'dgm');
  await expect(page.getByTestId('open-lineage')).toBeVisible();
  await run.waitForStatus(/completed|failed/, 180_000);
  await expect(run.status()).toHaveAttribute('data-status', 'completed');

  // The HGM run of the same comparison trains while we look at the DGM run's lineage.
  const hgmRun = await startArchiveRun(app, 'hgm');
  await page.getByTestId('open-lineage').click();
  await page.waitForURL(/\/lineage$/);
  expect(decodeURIComponent(page.url())).toContain(hgmRun);
  await app.go(`#/runs/${encodeURIComponent(dgmRun)}/lineage`);
  await lineage.waitForNodes(2);
  await expect(lineage.budget()).toBeVisible();
  await expect(lineage.growth().locator('tbody tr')).not.toHaveCount(0);
  await expect(page.getByTestId('legend-mismatch')).toBeVisible();

  const nodeId = await lineage.nonRootNodeId();
  expect(nodeId, 'a node with a parent').not.toBe('');
  await lineage.select(nodeId);
  // Every child differs from its parent at least in its weights.
  await expect(lineage.diff().locator('tbody tr')).not.toHaveCount(0);
  await expect(lineage.evidence()).toBeVisible();
  await expect(lineage.evidence().getByTestId('heldout-after')).not.toBeEmpty();
  // The whole tree in view for the picture.
  await page.getByTestId('lineage-fit').click();
  await app.screenshot('lineage');

  // The comparison: both strategies, each with its curves and the final held-out score.
  await app.go(`#/runs/${encodeURIComponent(hgmRun)}`);
  await run.waitForStatus(/completed|failed/, 180_000);
  await expect(run.status()).toHaveAttribute('data-status', 'completed');
  await app.go('#/compare');
  const compare = new ComparePage(page);
  await compare.group(COMPARISON).click();
  await expect(compare.rows()).toHaveCount(2);
  await expect(page.locator('[data-testid=compare-row][data-strategy=dgm]')).toBeVisible();
  await expect(page.locator('[data-testid=compare-row][data-strategy=hgm]')).toBeVisible();
  await expect(compare.charts()).toHaveCount(2);
  await expect.poll(async () => Number(await compare.charts().first().getAttribute('data-points'))).toBeGreaterThan(2);
  await expect(compare.rows().getByTestId('compare-final-heldout').first()).toHaveText(/%/);
  await app.screenshot('compare');

  // Branch: New run opens with the source's config and says where the run starts from.
  await app.go(`#/runs/${encodeURIComponent(dgmRun)}/lineage`);
  await lineage.select(nodeId);
  await lineage.branch();
  const banner = page.getByTestId('new-run-start-from');
  await expect(banner).toHaveAttribute('data-node-id', nodeId);
  await expect(banner).toHaveAttribute('data-run-id', dgmRun);
  await expect(banner).toContainText(`Starts from ${dgmRun} node ${nodeId}`);
  await app.newRun().startButton().click();
  await page.waitForURL(/#\/runs\/[^/]+$/);
  const branchRun = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  expect(branchRun).not.toBe(dgmRun);
  // The run's config as the engine stored it (the panel reads '—' until the run has loaded).
  const startFrom = async () => {
    const text = (await page.getByTestId('config-json').textContent()) ?? '';
    return text.startsWith('{') ? (JSON.parse(text) as { startFrom?: unknown }).startFrom : undefined;
  };
  await expect.poll(startFrom).toEqual({ runId: dgmRun, nodeId });
  await run.waitForStatus(/running|completed/, 60_000);
  await expect(page.getByTestId('open-lineage')).toBeVisible();
  // The engine runs one run at a time and the next spec shares it: leave no run behind.
  await run.waitForStatus(/completed|failed/, 120_000);
  await expect(run.status()).toHaveAttribute('data-status', 'completed');
});
