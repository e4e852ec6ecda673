import { expect, test } from './fixtures';
import { findPreset } from '../src/shared/presets';

const PRESET = 'preference-cream-smoke';
const N = findPreset(PRESET)!.config.iterations;

/**
 * A preference-learning run on the run screen: a CREAM run on the preference task, started from the gallery and
 * watched to completion, draws its preference monitors in one open group: the class shares against the Minimax
 * Winner's uniform mix, Kendall tau and the implicit-reward margin, none of them repeated in their namespace's group.
 */
test('a CREAM run on the preference task shows the class shares against the Minimax Winner, tau and the margin together', async ({ app }) => {
  test.setTimeout(240_000);
  await app.go('#/new');
  await app.newRun().startPreset(PRESET);
  const run = app.run();
  await run.waitForStatus('completed', 180_000);
  await expect(run.timelineDone()).toHaveCount(N);
  const group = app.page.locator('[data-testid=chart-group][data-namespace=preferences]');
  await expect(group).toHaveAttribute('open', '');
  const shares = group.getByTestId('class-shares');
  await expect(shares).toHaveAttribute('data-classes', '3');
  // rock, scissors, paper and "other", each a line, and the uniform mix dashed.
  await expect(shares.getByTestId('class-share-line')).toHaveCount(4);
  await expect(shares.getByTestId('minimax-line')).toHaveCount(1);
  await expect(shares).toContainText('the Minimax Winner (the uniform mix, 1/3 each)');
  for (const metric of ['pref/kendall_tau', 'pref/reward_margin', 'pref/minimax_distance'])
    await expect(group.locator(`[data-testid=chart][data-metric="${metric}"]`)).not.toHaveAttribute('data-points', '0');
  // Drawn once: the pref namespace group keeps only what the preference group does not show.
  await expect(app.page.locator('[data-testid=chart][data-metric="pref/kendall_tau"]')).toHaveCount(1);
  await app.screenshot('preference-run');
});
