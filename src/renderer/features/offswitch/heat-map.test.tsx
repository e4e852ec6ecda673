import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { incentiveGrid } from '../../../shared/offswitch';
import { cellColour, HeatMap } from './heat-map';

// Rendered to markup in node: the cells, the line and the marker need no DOM.
const grid = incentiveGrid({ mu: 0.5, sigma: { from: 0, to: 2, steps: 9 }, beta: { from: 0, to: 2, steps: 9 } }, 1e-9);

describe('the heat map', () => {
  it('draws one cell per grid value, coloured by sign, and the sign line through every boundary point', () => {
    const html = renderToStaticMarkup(<HeatMap grid={grid} />);
    expect(html.match(/<rect[^>]*data-sign=/g)).toHaveLength(81);
    const positive = grid.values.flat().filter((v) => v > 1e-9).length;
    const negative = grid.values.flat().filter((v) => v < -1e-9).length;
    expect(html).toContain(`data-positive="${positive}"`);
    expect(html).toContain(`data-negative="${negative}"`);
    expect(positive).toBeGreaterThan(0);
    expect(negative).toBeGreaterThan(0);
    const points = /<polyline points="([^"]+)"/.exec(html)![1].split(' ');
    expect(points).toHaveLength(grid.boundary.length);
    // The line rises with sigma (beta = sigma^2 at mu 0.5): y falls on screen as x grows.
    const ys = points.map((p) => Number(p.split(',')[1]));
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeLessThanOrEqual(ys[i - 1]);
  });

  it('marks a belief only inside the map', () => {
    expect(renderToStaticMarkup(<HeatMap grid={grid} marker={{ sigma: 1, beta: 0.5, step: 3 }} />)).toContain('after 3');
    expect(renderToStaticMarkup(<HeatMap grid={grid} marker={{ sigma: 5, beta: 0.5, step: 3 }} />)).not.toContain('belief-marker');
  });

  it('shades white at 0, full blue at the largest value and full red at the smallest, each sign on its own scale', () => {
    expect(cellColour(0, -0.2, 1)).toBe('rgb(246, 246, 247)');
    expect(cellColour(1, -0.2, 1)).toBe('rgb(37, 99, 235)');
    expect(cellColour(-0.2, -0.2, 1)).toBe('rgb(194, 38, 29)');
    expect(cellColour(-0.1, -0.2, 1)).toBe(cellColour(-0.1, -0.2, 5));
  });
});
