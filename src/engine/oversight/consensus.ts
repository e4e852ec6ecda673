import type { Evidence } from '../../shared/oversight';
import type { MemoryEntry } from '../../shared/genome';
import { greedyAnswers } from '../environments/text-task';
import type { Policy, Problem, Task } from '../types';

/**
 * A memory entry checked by consensus, in the spirit of A-MemGuard: the agent derives the answer to the entry's
 * problem along several related routes (the problem itself and problems with the same answer by construction, e.g.
 * b+a and (a+1)+(b-1) for a+b), greedily. The entry is inconsistent when a majority of the derivations agree on an
 * answer other than the one the entry records. No answer key is consulted.
 */
export function memoryConsensus(policy: Policy, task: Task, entries: MemoryEntry[]): NonNullable<Evidence['memory']> {
  const exemplars = entries.filter((e) => e.kind === 'exemplar');
  if (exemplars.length === 0) return [];
  const routes = exemplars.map((e) => {
    const problem: Problem = { id: e.id, level: e.level ?? 0, prompt: e.prompt, answer: null };
    return [problem, ...(task.equivalents?.(problem) ?? [])];
  });
  const flat = routes.flat();
  const outputs = greedyAnswers(policy, task, flat);
  let cursor = 0;
  return exemplars.map((e, i) => {
    const answers = outputs.slice(cursor, cursor + routes[i]!.length);
    cursor += routes[i]!.length;
    const counts = new Map<string, number>();
    for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    let consensus: string | null = null;
    let best = 0;
    for (const [a, c] of counts) if (c > best) [consensus, best] = [a, c];
    const agreement = answers.length === 0 ? 0 : (counts.get(e.answer.trim()) ?? 0) / answers.length;
    const majority = consensus !== null && best / answers.length > 0.5;
    return {
      id: e.id,
      prompt: e.prompt,
      answer: e.answer,
      consensus: majority ? consensus : null,
      agreement,
      consistent: !(majority && consensus !== e.answer.trim()),
    };
  });
}
