import { expect, test } from './fixtures';
import { LineagePage } from './pages/lineage-page';

/**
 * An archive of game agents in the app: the TicTacToe DGM smoke preset started from the gallery under the open-ended
 * (archive) policy; its Lineage view shows the tree, each node's own score is its win rate on the search set's
 * episodes (successes of 64), a child's diff names SPIRAL's knobs or its weights and its evidence shows the game
 * monitors; branching, which game runs do not have, is disabled with the reason.
 */
const PRESET = 'tictactoe-dgm-smoke';

test("a game archive's lineage: nodes scored by win rate, the game evidence, no branch", async ({ app, page }) => {
  test.setTimeout(180_000);
  const run = app.run();
  const lineage = new LineagePage(page);
  await app.go('#/new');
  await page.getByTestId('new-run-policy').selectOption('archive');
  const runId = await app.newRun().startPreset(PRESET);
  await run.waitForStatus(/completed|failed/, 120_000);
  await expect(run.status()).toHaveAttribute('data-status', 'completed');

  await app.go(`#/runs/${encodeURIComponent(runId)}/lineage`);
  await lineage.waitForNodes(6);
  await lineage.select('n0');
  // The root played every episode of the search set: its score is wins out of 64.
  await expect(lineage.detail().getByTestId('detail-score')).toHaveText(/^0\.\d\d \(\d+\/64\)/);

  const nodeId = await lineage.nonRootNodeId();
  expect(nodeId, 'a node with a parent').not.toBe('');
  await lineage.select(nodeId);
  await expect(lineage.diff()).toContainText('model.weights');
  await expect(lineage.evidence()).toBeVisible();
  await expect(lineage.evidence().getByTestId('heldout-after')).not.toBeEmpty();
  await expect(lineage.evidence().getByTestId('proposal-monitors')).toContainText('game/tictactoe_win_rate_vs_random');
  await expect(lineage.detail().getByTestId('branch-node')).toBeDisabled();
  await expect(lineage.detail().getByTestId('branch-node')).toHaveAttribute('title', /game agents/);
  await page.getByTestId('lineage-fit').click();
  await app.screenshot('game-lineage');
});
