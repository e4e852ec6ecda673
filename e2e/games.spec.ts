import { expect, test } from './fixtures';
import { findPreset } from '../src/shared/presets';

/** Iterations of the Kuhn Poker smoke preset (iteration 0 is the untrained policy's evaluation, no warm-up). */
const N = findPreset('spiral-kuhn-poker-smoke')!.config.iterations;

/**
 * A game run in the app: a SPIRAL Kuhn Poker smoke run started from the gallery is watched to completion, its
 * charts open on the win rate against random and the exact exploitability, and its games are listed in
 * Trajectories with their moves (drawn as text until the game views come).
 */
test('a SPIRAL Kuhn Poker run from the gallery completes, charts its exploitability, and lists its games', async ({ app }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('spiral-kuhn-poker-smoke');
  const run = app.run();
  await run.waitForStatus('completed', 240_000);
  await expect(run.timelineDone()).toHaveCount(N);
  await expect(run.charts().first()).toHaveAttribute('data-metric', 'eval/success_rate');
  const exploitability = app.page.locator('[data-testid=chart][data-metric="game/kuhn_poker_exploitability"]');
  await expect(exploitability).toBeVisible();
  await expect(exploitability).not.toHaveAttribute('data-points', '0');
  await expect(app.page.getByTestId('run-best')).toHaveText(/^best evaluation success rate: 0\.\d+$/);
  await app.screenshot('kuhn-run');

  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const view = app.trajectories();
  await expect(view.samples().first()).toBeVisible({ timeout: 30_000 });
  // A match's moves by their text names, and how it ended.
  await expect(view.samples().first()).toContainText(/\[(check|bet)\]/);
  await expect(view.samples().first()).toContainText(/Player [01] won|a draw/);
  await app.screenshot('kuhn-trajectories');
});

/**
 * Issue 14's screens in the app: a SPIRAL game run started from the gallery, one of its games replayed move by move
 * in Trajectories, then a game against one of its checkpoints on the Play page, played to its end and listed.
 */
test('a TicTacToe run: a game replayed move by move in Trajectories, then a game against its checkpoint on the Play page', async ({ app }) => {
  test.setTimeout(300_000);
  const N = findPreset('spiral-tictactoe-smoke')!.config.iterations;
  await app.go('#/new');
  const runId = await app.newRun().startPreset('spiral-tictactoe-smoke');
  await app.run().waitForStatus('completed', 240_000);

  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const view = app.trajectories();
  await view.iteration(String(N));
  const replay = view.samples().first().getByTestId('game-replay');
  await expect(replay).toHaveAttribute('data-game', 'tictactoe');
  const total = Number(/of (\d+)/.exec(await replay.getByTestId('replay-position').innerText())![1]);
  expect(total).toBeGreaterThanOrEqual(5);
  const marks = () => replay.locator('[data-testid=ttt-cell]:not([data-mark=""])');
  // It opens on the empty board; each step forward adds a mark, X first; a step back takes it away.
  await expect(replay.getByTestId('replay-position')).toHaveText(`move 0 of ${total}`);
  await expect(replay.getByTestId('ttt-cell')).toHaveCount(9);
  await expect(marks()).toHaveCount(0);
  await replay.getByTestId('replay-forward').click();
  await expect(marks()).toHaveCount(1);
  await expect(marks().first()).toHaveAttribute('data-mark', 'X');
  await replay.getByTestId('replay-forward').click();
  await expect(marks()).toHaveCount(2);
  await expect(replay.locator('[data-testid=ttt-cell][data-mark=O]')).toHaveCount(1);
  await replay.getByTestId('replay-back').click();
  await expect(marks()).toHaveCount(1);
  await expect(replay.getByTestId('replay-position')).toHaveText(`move 1 of ${total}`);
  // The slider jumps; play runs to the end.
  await replay.getByTestId('replay-slider').fill(String(total - 1));
  await expect(replay).toHaveAttribute('data-step', String(total - 1));
  await replay.getByTestId('replay-play').click();
  await expect(replay).toHaveAttribute('data-step', String(total));
  await expect(replay.getByTestId('replay-caption')).toContainText(/won|draw|invalid/);
  await app.screenshotOf(view.samples().first(), 'games-trajectories');

  // The Play page, from the top bar: this run, its newest checkpoint, TicTacToe, the person second (the agent opens).
  await app.page.getByTestId('nav-play').click();
  const play = app.play();
  await play.pick('run', runId);
  await expect(play.picker('checkpoint')).toHaveValue(String(N));
  await expect(play.picker('game')).toHaveValue('tictactoe');
  await play.pick('seat', '1');
  await play.start();
  await expect(play.table()).toHaveAttribute('data-moves', '1');
  await expect(play.table().locator('[data-testid=ttt-cell][data-mark=X]')).toHaveCount(1);
  await expect(play.moves()).toHaveCount(8);
  // One move by its key, then the rest by button.
  const key = await play.moves().first().getAttribute('data-action');
  await app.page.keyboard.press(key!.replace(/[[\]]/g, ''));
  await expect(play.table()).toHaveAttribute('data-moves', '3');
  await play.playToEnd();
  await expect(play.result()).toContainText(/^(You won|The agent won|A draw|Cut off).* · stored with the run\.$/);
  const row = play.records().and(app.page.locator(`[data-iteration="${N}"][data-game=tictactoe]`));
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').nth(2)).toHaveText('1');
  await expect(play.recent()).toHaveCount(1);
  // The stored game replays from the list, from the empty board.
  await play.recent().getByTestId('play-replay-open').click();
  const stored = play.recent().getByTestId('game-replay');
  await expect(stored.locator('[data-testid=ttt-cell]:not([data-mark=""])')).toHaveCount(0);
  await stored.getByTestId('replay-forward').click();
  await expect(stored.locator('[data-testid=ttt-cell][data-mark=X]')).toHaveCount(1);
  await app.screenshot('games-play');
});

test("a Kuhn Poker run: the agent's card stays face down until its round is over, and the match is listed", async ({ app }) => {
  test.setTimeout(240_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('spiral-kuhn-poker-smoke');
  await app.run().waitForStatus('completed', 180_000);

  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const replay = app.trajectories().samples().first().getByTestId('game-replay');
  await expect(replay).toHaveAttribute('data-game', 'kuhn-poker');
  await expect(replay.getByTestId('kuhn-pot')).toHaveText('pot 2');
  await expect(replay.locator('[data-testid=kuhn-card]:not([data-card=""])')).toHaveCount(2);
  await replay.getByTestId('replay-forward').click();
  await expect(replay.getByTestId('game-moves').locator('li')).toHaveCount(1);
  await replay.getByTestId('replay-slider').fill('4');
  await app.screenshotOf(app.trajectories().samples().first(), 'games-trajectories-kuhn');

  // From the run's screen.
  await app.go(`#/runs/${encodeURIComponent(runId)}`);
  await app.page.getByTestId('open-play').click();
  await expect(app.page).toHaveURL(new RegExp(`#/play/${runId}$`));
  const play = app.play();
  await expect(play.picker('game')).toHaveValue('kuhn-poker');
  await play.pick('choice', 'greedy');
  await play.start();
  const table = play.table();
  await expect(table.locator('[data-testid=kuhn-card][data-seat="1"]')).toHaveAttribute('data-card', '');
  await expect(table.locator('[data-testid=kuhn-card][data-seat="0"]')).toHaveAttribute('data-card', /^[JQK]$/);
  await app.screenshot('games-play-kuhn');
  // c is check or call, whichever is legal: always a legal move.
  for (let i = 0; i < 15 && (await table.getAttribute('data-outcome')) === ''; i++) {
    const before = Number(await table.getAttribute('data-moves'));
    await app.page.keyboard.press('c');
    await expect.poll(async () => Number(await table.getAttribute('data-moves'))).toBeGreaterThan(before);
  }
  await expect(play.result()).toBeVisible();
  await expect(table.getByTestId('kuhn-table')).toHaveAttribute('data-round', '5');
  await expect(table.locator('[data-testid=kuhn-card][data-seat="1"]')).toHaveAttribute('data-card', /^[JQK]$/);
  await expect(play.records().and(app.page.locator('[data-game=kuhn-poker]'))).toHaveCount(1);
});
