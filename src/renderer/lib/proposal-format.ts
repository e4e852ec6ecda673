import type { GenomeChange } from '../../shared/genome';
import type { Estimate } from '../../shared/oversight';
import { formatNumber } from './format';

/** How one side of a change reads in the diff table. */
export type ChangeSide =
  | { kind: 'none' }
  | { kind: 'memory'; prompt: string; answer: string; note: string }
  | { kind: 'tool'; tool: string; params: string }
  | { kind: 'value'; text: string };

export interface ChangeRow {
  path: string;
  before: ChangeSide;
  after: ChangeSide;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A compact JSON rendering for a table cell: short values inline, strings without quotes. */
export function valueText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value);
}

function side(path: string, value: unknown): ChangeSide {
  if (value === undefined) return { kind: 'none' };
  // Memory entries read as the exemplar or lesson they are, not as their JSON.
  if (path.startsWith('memory.entries.') && isRecord(value) && typeof value.prompt === 'string') {
    const source = isRecord(value.source) ? value.source : {};
    const support = typeof source.support === 'number' ? ` · support ${formatNumber(source.support)}` : '';
    const level = typeof value.level === 'number' ? ` · level ${value.level}` : '';
    return { kind: 'memory', prompt: value.prompt, answer: String(value.answer ?? ''), note: `${String(value.kind ?? 'entry')}${level}${support}` };
  }
  if (path.startsWith('tools.') && isRecord(value) && typeof value.kind === 'string') {
    const { kind, ...params } = value;
    const text = Object.entries(params)
      .map(([k, v]) => `${k}: ${valueText(v)}`)
      .join(', ');
    return { kind: 'tool', tool: kind, params: text || 'no parameters' };
  }
  return { kind: 'value', text: valueText(value) };
}

export function describeChange(change: GenomeChange): ChangeRow {
  return { path: change.path, before: side(change.path, change.before), after: side(change.path, change.after) };
}

/** The text a person edits for one change: its `after` as JSON; empty means "remove" (after absent). */
export function editText(change: GenomeChange): string {
  return change.after === undefined ? '' : JSON.stringify(change.after, null, 2);
}

export type EditResult = { ok: true; changes: GenomeChange[] } | { ok: false; errors: Record<number, string> };

/**
 * Turns the edited texts back into changes. Every row must be valid JSON (or empty, which removes the value);
 * the engine then checks the values against the genome and re-runs the evidence.
 */
export function parseEditedChanges(changes: GenomeChange[], texts: string[]): EditResult {
  const errors: Record<number, string> = {};
  const next: GenomeChange[] = changes.map((change, i) => {
    const text = (texts[i] ?? '').trim();
    if (!text) return { path: change.path, before: change.before };
    try {
      return { path: change.path, before: change.before, after: JSON.parse(text) as unknown };
    } catch (error) {
      errors[i] =
        `${change.path}: not valid JSON (${error instanceof Error ? error.message : String(error)}); write e.g. 0.9, "text" or {"kind": "self-verify"}`;
      return change;
    }
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const unchanged = next.every((c, i) => JSON.stringify(c.after) === JSON.stringify(changes[i]?.after));
  if (unchanged) return { ok: false, errors: { [-1]: 'Nothing was changed: edit a value, or use Approve to accept the proposal as it is.' } };
  return { ok: true, changes: next };
}

export const pct = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(1)}%`);
const signedPct = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;

/** "42.0% [35.1, 49.2] n=120" */
export function formatEstimate(e: Estimate): string {
  return `${pct(e.value)} [${(e.lo * 100).toFixed(1)}, ${(e.hi * 100).toFixed(1)}] n=${e.n}`;
}

/** "+6.0 pts [−2.0, +14.0]" */
export function formatDelta(d: { value: number; lo: number; hi: number }): string {
  return `${signedPct(d.value)} pts [${signedPct(d.lo)}, ${signedPct(d.hi)}]`;
}
