import { recordLatency } from './latency-report';
import { expect, test } from './fixtures';
import type { LatencySample } from './pages/run-page';
import { findPreset } from '../src/shared/presets';

/** Self-improvement iterations of the smoke preset the gallery test starts (the warm-up is iteration 0). */
const N = findPreset('addition-star-smoke')!.config.iterations;

/**
 * One smoke run from the gallery to completion, then the same workspace under a restarted host; and one
 * longer run driven through the whole off switch. Serial: later tests use the runs of earlier ones.
 */
test.describe.configure({ mode: 'serial' });

let completedRunId = '';
const latencies: LatencySample[] = [];

test('a smoke preset started from the gallery fills its charts and completes', async ({ app }) => {
  // The warm-up alone takes minutes on a busy two-core machine with the WASM backend.
  test.setTimeout(600_000);
  await app.go('#/new');
  completedRunId = await app.newRun().startPreset('addition-star-smoke');
  const run = app.run();
  await expect(run.charts().first()).toBeVisible({ timeout: 420_000 });
  await expect(run.charts().first()).not.toHaveAttribute('data-points', '0');
  // The warm-up was watched from its start: its own loss curve, apart from the iteration charts.
  await expect(app.page.getByTestId('warmup-chart')).not.toHaveAttribute('data-points', '0');
  await app.screenshot('run-live');
  // The header says where the run computes: the preset keeps the default of one worker, in the engine process.
  await expect(app.page.getByTestId('run-workers')).toHaveText('1 worker');
  await run.waitForStatus('completed', 300_000);
  await expect(run.timelineDone()).toHaveCount(N);
  await app.screenshot('run-completed');
  // A reload draws the same warm-up curve, from the trace the run keeps, not only on the page that watched it.
  await app.page.reload();
  await expect(app.page.getByTestId('warmup-chart')).toBeVisible();
  await expect(app.page.getByTestId('warmup-chart')).not.toHaveAttribute('data-points', '0');
  await app.go('#/runs');
  await expect(app.runs().row(completedRunId)).toContainText('completed');
  await expect(app.runs().row(completedRunId)).toContainText(`${N} / ${N}`);
  await app.screenshot('runs');
});

test('pause, resume, stop, kill and resume: each shows its status within a second', async ({ app }) => {
  test.setTimeout(600_000);
  await app.go('#/new');
  const form = app.newRun();
  await form.customize('addition-grpo-smoke');
  // A short warm-up keeps the run in its iterations, where the off switch matters, for most of the test.
  await form.setField('warmup.steps', '30');
  await form.setField('iterations', '5');
  await form.setField('name', 'off-switch e2e');
  await form.startButton().click();
  await app.page.waitForURL(/#\/runs\/[^/]+$/);
  const run = app.run();
  await run.waitForStatus('running');
  await run.waitForTraining();

  await run.button('pause').click();
  await run.waitForStatus('paused', 30_000);
  await run.button('resume').click();
  await run.waitForStatus('running', 30_000);
  await run.button('stop').click();
  await run.waitForStatus(/stopping|stopped/, 30_000);
  await run.waitForStatus('stopped', 60_000);
  await app.screenshot('run-stopped');

  await run.button('resume').click();
  await run.waitForStatus('running', 60_000);
  await run.waitForTraining();
  await run.button('kill').click();
  await run.waitForStatus(/engine killed|interrupted/, 30_000);
  await run.waitForStatus('interrupted', 60_000);
  await app.screenshot('run-interrupted');
  latencies.push(...(await run.latencies()));

  await run.button('resume').click();
  await run.waitForStatus('running', 60_000);
  await run.waitForStatus('completed', 400_000);
  await expect(run.timelineDone()).toHaveCount(5);

  const byAction = (a: string) => latencies.filter((l) => l.action === a).map((l) => Math.round(l.ms));
  recordLatency('offSwitch', {
    note: 'click to the new status on screen, measured by the app (performance.now at click, at the commit that shows the change)',
    pause: byAction('pause'),
    resume: byAction('resume'),
    stop: byAction('stop'),
    kill: byAction('kill'),
    samples: latencies,
  });
  for (const action of ['pause', 'stop', 'kill']) {
    expect(byAction(action).length, `a ${action} latency sample`).toBeGreaterThan(0);
    for (const ms of byAction(action)) expect(ms, `${action} shows its status change within a second`).toBeLessThan(1000);
  }
});

test('after a host restart the run reopens with every iteration', async ({ app, host, page }) => {
  test.skip(!completedRunId, 'needs the completed run of the first test');
  await host.restart();
  await app.open(`#/runs/${encodeURIComponent(completedRunId)}`);
  const run = app.run();
  await run.waitForStatus('completed', 30_000);
  await expect(run.timelineDone()).toHaveCount(N);
  // The held-out score comes first and carries every self-improvement iteration; the warm-up (iteration 0) is its own
  // panel and the chart's caption, not its first point.
  await expect(run.charts().first()).toHaveAttribute('data-metric', /^heldout\//);
  await expect(run.charts().first()).toHaveAttribute('data-points', String(N));
  await expect(run.charts().first().getByTestId('chart-baseline')).toContainText('after warm-up');
  await expect(page.getByTestId('warmup-result')).toContainText('final loss');
  await expect(page.getByTestId('iterations-done')).toHaveText(`${N} / ${N}`);
});

test('trajectories can be browsed with filters and across iterations', async ({ app }) => {
  test.skip(!completedRunId, 'needs the completed run of the first test');
  await app.go(`#/runs/${encodeURIComponent(completedRunId)}/trajectories`);
  const view = app.trajectories();
  await expect(view.samples().first()).toBeVisible();
  const all = Number((await view.total().textContent())?.match(/\d+/)?.[0]);
  expect(all).toBeGreaterThan(0);
  await app.screenshot('trajectories');

  await view.filter('kept');
  await expect(view.total()).not.toHaveText('Loading…');
  for (const kept of await view.samples().evaluateAll((els) => els.map((e) => e.getAttribute('data-kept')))) expect(kept).toBe('true');
  await view.filter('incorrect');
  await expect(view.total()).not.toHaveText('Loading…');
  for (const correct of await view.samples().evaluateAll((els) => els.map((e) => e.getAttribute('data-correct')))) expect(correct).toBe('false');

  await view.filter('all');
  await view.iteration('2');
  await expect(view.samples().first()).toContainText('it 2');
  const prompt = (await view.samples().first().locator('dd').first().textContent()) ?? '';
  await view.search(prompt);
  await expect(view.samples().first().locator('dd').first()).toContainText(prompt);

  await view.samples().first().getByTestId('same-prompt').click();
  await expect(view.samePromptView()).toBeVisible();
  await expect(view.samePromptView().getByTestId('trajectory').first()).toContainText(prompt);
  await app.screenshot('trajectories-same-prompt');
});
