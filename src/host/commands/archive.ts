import type { ArchiveNode, ArchiveView } from '../../shared/archive';
import { archiveGet } from '../../engine/evolution/requests';
import { Store } from '../../engine/store/store';
import { type Command, formatNumber, runIdArgument, workspaceHelp, workspaceOption } from './common';

function nodeLine(node: ArchiveNode, best: boolean): string {
  const evaluated = node.successes + node.failures;
  const status = node.rejectedBy ? `${node.status} (${node.rejectedBy})` : node.status;
  const own = node.score === null ? 'score -' : `score ${formatNumber(node.score)} ${node.successes}/${evaluated}`;
  const cmp = `CMP ${formatNumber(node.cmp.mean)} [${formatNumber(node.cmp.lo)}, ${formatNumber(node.cmp.hi)}] n=${node.cmp.n}`;
  const marks = `${node.mismatch ? ' !' : ''}${best ? ' *' : ''}`;
  const verdict = node.verdict ? `  ${node.verdict.status}${node.verdict.actor ? ` by ${node.verdict.actor}` : ''}` : '';
  return `${node.id}  ${node.kind}  ${status}  ${own}  ${cmp}${marks}${verdict}`;
}

/**
 * The archive as an indented tree, parents before their children (children in the order they were made), then
 * growth per generation and the budget. Iterative, so a long chain of generations cannot overflow the stack.
 */
export function archiveLines(view: ArchiveView): string[] {
  const lines = [`Archive of run ${view.runId}: strategy ${view.strategy}, selection ${view.selection}, ${view.nodes.length} agents after ${view.steps} steps`];
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const children = new Map<string | null, ArchiveNode[]>();
  for (const node of [...view.nodes].sort((a, b) => a.createdOrder - b.createdOrder)) {
    // A parent missing from the view would hide its subtree; show such nodes at the top level instead.
    const parent = node.parentId !== null && byId.has(node.parentId) ? node.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(node);
    children.set(parent, list);
  }
  const stack: Array<{ node: ArchiveNode; depth: number }> = (children.get(null) ?? []).map((node) => ({ node, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    lines.push(`${'  '.repeat(depth + 1)}${nodeLine(node, node.id === view.bestNodeId)}`);
    for (const child of [...(children.get(node.id) ?? [])].reverse()) stack.push({ node: child, depth: depth + 1 });
  }
  if (view.nodes.length === 0) lines.push('  (empty: the run has not stored its initial agent yet)');
  lines.push('', "  * best kept agent   ! own score outside its clade's CMP interval (mismatch)", '', 'Growth per generation:');
  for (const g of view.generations) lines.push(`  generation ${g.generation}: ${g.made} made, ${g.kept} kept`);
  lines.push('', `Budget: ${Math.round(view.budget.used)}/${view.budget.total} evaluation units used`);
  return lines;
}

export const archiveCommand: Command = {
  name: 'archive',
  positionals: 1,
  summary: "show an archive run's tree of agents: scores, CMP, verdicts, growth and budget",
  usage: 'evolab archive <run-id> [--json]',
  help: ['  --json            the archive (every node with its scores, CMP interval, genome and verdict) as one JSON object', workspaceHelp],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'show');
    const store = Store.open(ctx.workspace);
    let view: ArchiveView;
    try {
      view = archiveGet(store, runId);
    } finally {
      store.close();
    }
    if (ctx.values.json === true) ctx.out(JSON.stringify(view));
    else for (const line of archiveLines(view)) ctx.out(line);
    return 0;
  },
};
