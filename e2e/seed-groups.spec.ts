import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/**
 * Runs across seeds in the app: a sweep of the gridworld smoke preset over three seeds (from the command line, into
 * the workspace the app shows) appears on the Runs screen as one group, drawn as a mean curve with its band, and
 * the smoothing control redraws it.
 */
test('a three-seed sweep shows on the Runs screen as one group with its mean and band', async ({ app, host }) => {
  test.setTimeout(300_000);
  const workspace = host.current.workspace;
  const args = ['sweep', '--preset', 'gridworld-a2c-smoke', '--seeds', '1-3', '--set', 'iterations=6', '--backend', 'cpu', '--parallel', '2'];
  await run(process.execPath, [path.join(root, 'bin', 'evolab.js'), ...args, '--workspace', workspace], { cwd: root, timeout: 240_000 });

  await app.page.reload();
  await app.go('#/runs');
  // The workspace is shared with the other specs: the sweep's runs are the ones named after its combination.
  await app.runs().filter('iterations=6');
  await expect(app.runs().rows()).toHaveCount(3, { timeout: 30_000 });
  const group = app.page.getByTestId('seed-group').filter({ hasText: 'iterations=6' });
  await expect(group).toHaveCount(1);
  await expect(group).toHaveAttribute('data-seeds', '3');
  await expect(group).toContainText('3 seeds: 1, 2, 3');
  await group.click();
  await expect(group).toHaveAttribute('aria-pressed', 'true');

  const chart = app.page.getByTestId('band-chart');
  await expect(chart).toBeVisible();
  await app.page.getByTestId('seed-group-metric').selectOption('reward/mean');
  await expect(chart).toHaveAttribute('data-metric', 'reward/mean');
  await expect(chart).toHaveAttribute('data-seeds', '3');
  await expect(chart).toHaveAttribute('data-points', '6');
  // Three seeds that disagree: the band has a width.
  const raw = Number(await chart.getAttribute('data-band-width'));
  expect(raw).toBeGreaterThan(0);
  await expect(chart.locator('canvas')).toBeVisible();

  await app.page.getByTestId('seed-group-smoothing').fill('0.8');
  await expect(chart).not.toHaveAttribute('data-band-width', raw.toFixed(4));
  await app.screenshot('runs-seed-groups');
});
