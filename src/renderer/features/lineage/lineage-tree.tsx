import { memo, useEffect, useRef, useState } from 'react';
import type { ArchiveNode } from '../../../shared/archive';
import { CMP_MEANING, cmpLines, formatCmp, formatScore, layoutTree, NODE_RADIUS, scoreFill, statusBadge } from './lineage-layout';

interface Props {
  nodes: ArchiveNode[];
  bestNodeId: string | null;
  selectedId: string | null;
  onSelect: (nodeId: string) => void;
}

function nodeTitle(n: ArchiveNode, best: boolean): string {
  const badge = statusBadge(n);
  return [
    `${n.id} · generation ${n.generation} · ${n.kind}${best ? ' · best' : ''}`,
    `own score ${formatScore(n.score)} (${n.successes}/${n.successes + n.failures})${n.fullyEvaluated ? '' : ', partly evaluated'}`,
    `CMP ${formatCmp(n.cmp)}${n.cmp.n ? ` from ${n.cmp.n} descendant evaluations` : ''}`,
    badge.title,
    n.mismatch ? "mismatch: its own score lies outside its descendants' CMP interval" : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The archive as an SVG: generations as rows, edges parent -> child, fill by own score. Each node carries its id
 * above, its own score and CMP below, and its status badge beside it; mismatches get a warning outline.
 */
export const LineageTree = memo(function LineageTree({ nodes, bestNodeId, selectedId, onSelect }: Props) {
  const layout = layoutTree(nodes);
  const scrollRef = useRef<HTMLDivElement>(null);
  // 1 = full size; below 1 the whole tree is drawn smaller (an overview of a wide archive).
  const [zoom, setZoom] = useState(1);
  const fit = () => {
    const box = scrollRef.current;
    if (box) setZoom(Math.max(0.3, Math.min(1, (box.clientWidth - 4) / layout.width)));
  };
  const centred = useRef(false);
  const root = layout.placed.find((p) => p.node.parentId === null);
  // A wide tree opens scrolled to its root, once; after that the person's scrolling is left alone.
  useEffect(() => {
    const box = scrollRef.current;
    if (centred.current || !box || !root) return;
    centred.current = true;
    box.scrollLeft = Math.max(0, root.x * zoom - box.clientWidth / 2);
    // Only the first time the tree has a root; zoom changes are the person's own.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [root]);
  const selected = layout.placed.find((p) => p.node.id === selectedId);
  const selectedX = selected?.x ?? null;
  // Opening the detail panel narrows the tree: keep the selected node in view.
  useEffect(() => {
    const box = scrollRef.current;
    if (!box || selectedX === null) return;
    const frame = requestAnimationFrame(() => {
      const x = selectedX * zoom;
      if (x < box.scrollLeft + NODE_RADIUS * 2 || x > box.scrollLeft + box.clientWidth - NODE_RADIUS * 2) {
        box.scrollLeft = Math.max(0, x - box.clientWidth / 2);
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [selectedX, zoom]);
  return (
    <>
      <div className="lineage-zoom small">
        <button type="button" onClick={() => setZoom((z) => Math.max(0.3, z / 1.25))} aria-label="Zoom out">
          −
        </button>
        <span className="mono" data-testid="lineage-zoom">
          {Math.round(zoom * 100)}%
        </span>
        <button type="button" onClick={() => setZoom((z) => Math.min(1, z * 1.25))} aria-label="Zoom in" disabled={zoom >= 1}>
          +
        </button>
        <button type="button" onClick={fit} data-testid="lineage-fit" title="Draw the whole tree in the width of the view">
          Fit
        </button>
      </div>
      <div className="lineage-scroll" data-testid="lineage-tree" ref={scrollRef}>
        <svg
          width={layout.width * zoom}
          height={layout.height * zoom}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label="Archive tree"
          className="lineage-svg"
        >
          <g className="edges">
            {layout.edges.map((e) => (
              <path key={e.id} d={`M${e.x1},${e.y1} C${e.x1},${(e.y1 + e.y2) / 2} ${e.x2},${(e.y1 + e.y2) / 2} ${e.x2},${e.y2}`} />
            ))}
          </g>
          {layout.placed.map(({ node: n, x, y }) => {
            const best = n.id === bestNodeId;
            const badge = statusBadge(n);
            const hacking = rewardHacking(n);
            const classes = [
              'lineage-node',
              `status-${n.status}`,
              n.mismatch ? 'mismatch' : '',
              best ? 'best' : '',
              n.id === selectedId ? 'selected' : '',
              hacking ? 'reward-hacking' : '',
            ];
            return (
              <g
                key={n.id}
                transform={`translate(${x},${y})`}
                className={classes.filter(Boolean).join(' ')}
                data-testid="lineage-node"
                data-node-id={n.id}
                data-status={n.status}
                data-mismatch={n.mismatch}
                data-best={best}
                data-parent-id={n.parentId ?? ''}
                data-reward-hacking={hacking ?? ''}
                role="button"
                tabIndex={0}
                aria-label={`Node ${n.id}`}
                onClick={() => onSelect(n.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') onSelect(n.id);
                }}
              >
                <title>{nodeTitle(n, best)}</title>
                {n.id === selectedId && <circle r={NODE_RADIUS + 7} className="halo" />}
                <circle r={NODE_RADIUS} className="disc" style={{ fill: scoreFill(n.score) }} />
                {best && (
                  <text className="star" x={-NODE_RADIUS - 19} y={5} aria-label="best">
                    ★
                  </text>
                )}
                <text className="node-id" y={-NODE_RADIUS - 6}>
                  {n.id}
                  {hacking ? ' ⚑' : ''}
                </text>
                <text className="node-score" y={4}>
                  {formatScore(n.score)}
                </text>
                <g className={`node-badge tone-${badge.tone}`} transform={`translate(${NODE_RADIUS - 2},${-NODE_RADIUS + 2})`}>
                  <rect x={-2} y={-9} width={badge.text.length > 1 ? 22 : 14} height={14} rx={7} />
                  <text x={badge.text.length > 1 ? 9 : 5} y={2}>
                    {badge.text}
                  </text>
                </g>
                <text className="node-cmp" y={NODE_RADIUS + 13}>
                  {cmpLines(n.cmp)[0]}
                </text>
                <text className="node-cmp" y={NODE_RADIUS + 25}>
                  {cmpLines(n.cmp)[1]}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </>
  );
});

/** 'own' when the node's proposal is flagged reward-hacking, 'inherited' when an ancestor's is (it carries that change). */
export function rewardHacking(n: ArchiveNode): 'own' | 'inherited' | null {
  if (n.flags?.includes('reward-hacking')) return 'own';
  return n.carried?.some((c) => c.kind === 'reward-hacking') ? 'inherited' : null;
}

/** What the outlines, badges and fills mean. */
export function LineageLegend() {
  return (
    <div className="lineage-legend small" data-testid="lineage-legend">
      <span>
        <span className="swatch" style={{ background: scoreFill(0) }} />
        <span className="swatch" style={{ background: scoreFill(0.5) }} />
        <span className="swatch" style={{ background: scoreFill(1) }} /> own score 0 → 1 (number inside)
      </span>
      <span>
        <b>CMP</b> {CMP_MEANING}
      </span>
      <span className="legend-mismatch" data-testid="legend-mismatch">
        <svg width="18" height="18" aria-hidden>
          <circle cx="9" cy="9" r="7" className="legend-mismatch-ring" />
        </svg>
        mismatch: its own score lies outside its descendants' CMP interval; a good agent with unproductive descendants, or the reverse
      </span>
      <span className="legend-hacking">⚑ flagged reward-hacking (dashed red outline), or a descendant of a flagged node that carries its change</span>
      <span>
        ★ best kept agent · ✓ kept (a child that failed the staged check is kept with its small-set score) · ? pending · ✗G/P rejected by the gate, a person
        (✗S: by the staged check, in older runs)
      </span>
    </div>
  );
}
