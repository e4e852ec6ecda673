import type { GenomeChange, Pathway } from '../../shared/genome';
import type { ChangeSize } from '../../shared/oversight';

/** Bounds between a small and a large change, per pathway. */
export const SIZE_BOUNDS = {
  /** Model: relative L2 change of the weights, ||W' - W|| / ||W||. */
  modelRelativeChange: 0.05,
  /** Workflow: every changed number within this relative change, and no switch of a category (algorithm, reward...). */
  workflowRelativeChange: 0.25,
  /** Memory: at most this many entries added, edited or dropped. */
  memoryEntries: 8,
} as const;

/**
 * Small or large. Model: by how far the weights moved. Workflow: numbers nudged by at most 25%, nothing
 * switched. Memory: a few entries. Tool: tuning a tool the agent already has; adding or removing one is large.
 */
export function changeSize(pathway: Pathway, changes: GenomeChange[], weightChange = 0): ChangeSize {
  switch (pathway) {
    case 'model':
      return weightChange <= SIZE_BOUNDS.modelRelativeChange ? 'small' : 'large';
    case 'memory':
      return changes.filter((c) => c.path.startsWith('memory.entries.')).length <= SIZE_BOUNDS.memoryEntries &&
        changes.every((c) => c.path.startsWith('memory.entries.') || isSmallNumberChange(c))
        ? 'small'
        : 'large';
    case 'tool':
      return changes.every((c) => c.before !== undefined && c.after !== undefined) ? 'small' : 'large';
    case 'workflow':
      return changes.every(isSmallNumberChange) ? 'small' : 'large';
  }
}

function isSmallNumberChange(c: GenomeChange): boolean {
  if (typeof c.before !== 'number' || typeof c.after !== 'number') return false;
  if (c.before === 0) return c.after === 0;
  return Math.abs(c.after / c.before - 1) <= SIZE_BOUNDS.workflowRelativeChange + 1e-9;
}
