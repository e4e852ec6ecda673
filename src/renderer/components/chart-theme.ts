import type uPlot from 'uplot';

/** A CSS custom property of the page's theme, or `fallback` where it is not set. */
export function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** The axis style every chart of the app shares (muted labels, the theme's grid), read from the theme when drawn. */
export function themedAxis(): uPlot.Axis {
  const muted = cssVar('--fg-muted', '#888');
  const grid = cssVar('--grid', 'rgba(128,128,128,0.15)');
  return { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif', size: 36 };
}
