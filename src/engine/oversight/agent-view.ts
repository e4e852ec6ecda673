import type { Genome } from '../../shared/genome';
import type { AgentView, Task } from '../types';

/**
 * The agent's tools and memory as the recipes see them. Tools are interpreted here, from data; a genome holds no
 * code. Evaluation never goes through this view: held-out sets and probes use the task's own verdicts.
 */
export function agentView(task: Task, genome: Genome): AgentView {
  const wellFormed = (p: Parameters<AgentView['accepts']>[0], o: string) => task.wellFormed?.(p, o) ?? o.trim().length > 0;
  let accepts: AgentView['accepts'] = () => true;
  let shapeReward: AgentView['shapeReward'] = (_p, _o, r) => r;
  for (const tool of genome.tools) {
    if (tool.kind === 'self-verify') accepts = wellFormed;
    if (tool.kind === 'reward-shaping') {
      shapeReward =
        tool.rule === 'format-credit' ? (p, o, r) => (wellFormed(p, o) ? 1 : r) : (p, o, r) => (wellFormed(p, o) ? Math.max(r, 0.5 + r / 2) : r / 2);
    }
  }
  const memory = genome.memory.entries.filter((e) => e.kind === 'exemplar').map((e) => ({ prompt: e.prompt, answer: e.answer }));
  return { accepts, shapeReward, memory, memoryShare: genome.memory.replayShare };
}

/** The curriculum's mastery threshold: the agent's curriculum rule if it has one. */
export function masteryThreshold(genome: Genome, fallback: number): number {
  const rule = genome.tools.find((t) => t.kind === 'curriculum-rule');
  return rule?.kind === 'curriculum-rule' ? rule.mastery : fallback;
}
