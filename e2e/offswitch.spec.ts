import { expect, test } from './fixtures';
import { OffswitchPage } from './pages/offswitch-page';

/**
 * The off-switch game in the app: the heat map is drawn with both signs and the line where the sign changes, it
 * redraws when mu or beta change, and the learned view keeps or gives up its deference as a person adds decisions.
 */
test('the Off-switch page draws the heat map and its sign line, redraws on mu and beta, and shows deference change with decisions', async ({ app }) => {
  await app.page.getByTestId('nav-offswitch').click();
  const view = new OffswitchPage(app.page);
  await expect(view.heatMap()).toBeVisible();

  // The default grid, 31 x 31 at mu 0.5: a blue region (R defers), a red one (R bypasses its switch) and the line.
  await expect(view.heatMap().locator('rect[data-sign]')).toHaveCount(31 * 31);
  expect(await view.cells('positive').count()).toBeGreaterThan(100);
  expect(await view.cells('negative').count()).toBeGreaterThan(100);
  await expect(view.signLine()).toBeVisible();
  expect(Number(await view.signLine().getAttribute('data-points'))).toBeGreaterThan(10);
  // Colours, not only attributes: a positive cell is drawn bluer than red, a negative one redder than blue.
  const colour = async (sign: 'positive' | 'negative') => {
    const fill = (await view.cells(sign).last().getAttribute('fill'))!;
    const [r, , b] = fill.match(/\d+/g)!.map(Number);
    return { r, b };
  };
  const blue = await colour('positive');
  const red = await colour('negative');
  expect(blue.b).toBeGreaterThan(blue.r);
  expect(red.r).toBeGreaterThan(red.b);
  await expect(view.page.getByTestId('heat-map-legend')).toBeVisible();
  await app.screenshot('offswitch');

  // A noisier human over the same sigma: fewer cells where R defers.
  const positiveBefore = await view.cells('positive').count();
  await view.setGrid('beta.from', '1');
  await view.setGrid('beta.to', '6');
  await expect(view.heatMap()).not.toHaveAttribute('data-positive', String(positiveBefore));
  expect(await view.cells('positive').count()).toBeLessThan(positiveBefore);
  await view.setGrid('beta.from', '0');
  await view.setGrid('beta.to', '3');
  await expect(view.heatMap()).toHaveAttribute('data-positive', String(positiveBefore));

  // mu 0: acting and switching off are worth the same, so any uncertainty makes waiting better: no red, no line.
  await view.setGrid('mu', '0');
  await expect(view.heatMap()).toHaveAttribute('data-mu', '0');
  await expect(view.cells('negative')).toHaveCount(0);
  await expect(view.signLine()).toHaveCount(0);
  await view.setGrid('mu', '1');
  await expect(view.signLine()).toBeVisible();
  expect(await view.cells('negative').count()).toBeGreaterThan(100);

  // A wrong field is named, and the map keeps the last valid grid.
  await view.setGrid('sigma.steps', '1');
  await expect(view.page.getByTestId('grid-error')).toContainText('sigma.steps must be a whole number from 2 to 101');
  await expect(view.heatMap().locator('rect[data-sign]')).toHaveCount(31 * 31);
  await view.setGrid('sigma.steps', '21');
  await expect(view.heatMap().locator('rect[data-sign]')).toHaveCount(21 * 31);

  // The learned view: with no decisions the robot defers; two approvals make it sure, and it gives up deference;
  // a rejection makes it unsure again.
  await view.clear();
  await expect(view.steps()).toHaveCount(1);
  await expect(view.now()).toHaveAttribute('data-choice', 'wait');
  await view.decide('approve');
  await expect(view.steps()).toHaveCount(2);
  await view.decide('approve');
  await expect(view.now()).toHaveAttribute('data-choice', 'act');
  await expect(view.now()).toContainText('gives up deference');
  await view.decide('reject');
  await expect(view.now()).toHaveAttribute('data-choice', 'wait');
  await expect(view.now()).toContainText('changed after decision 2, 3');
  await expect(view.chart()).toHaveAttribute('data-points', '4');
  await view.decide('undo');
  await expect(view.now()).toHaveAttribute('data-choice', 'act');
  // A noisier human's decisions say less, and waiting for them is worth less.
  await view.setLearn('beta', '0');
  await expect(view.page.getByTestId('learn-error')).toContainText("the human's noise");
  await view.setLearn('beta', '0.5');
  await expect(view.page.getByTestId('learn-error')).toHaveCount(0);
  // The learner's belief on the map: the map moves to its mu, and the marker sits on the red side of the line.
  await view.page.getByTestId('show-on-map').click();
  await expect(view.page.getByTestId('grid-mu')).toHaveValue('0.869');
  await expect(view.heatMap().getByTestId('belief-marker')).toBeVisible();
  await expect(view.heatMap().getByTestId('belief-marker')).toContainText('after 2');
  await app.screenshot('offswitch-learned');
  await view.setGrid('mu', '0.5');
  await expect(view.heatMap().getByTestId('belief-marker')).toHaveCount(0);
});
