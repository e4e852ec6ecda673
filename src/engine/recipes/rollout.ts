import type { AgentView, Policy, Problem, Rng, Task, TrainBatch } from '../types';

/** One sampled answer to one problem. */
export interface Sample {
  problem: Problem;
  output: string;
  /** Generated tokens, EOS excluded. */
  tokens: number[];
  /** Log-prob of each generated token at temperature 1. */
  logProbs: number[];
  /** Whether the row ended with EOS (false: it ran out of room). */
  finished: boolean;
}

export interface RolloutOptions {
  samplesPerProblem: number;
  temperature: number;
  topK?: number;
  rng: Rng;
  /** Rows per policy.sample call; bounds memory on long prompts. */
  chunkRows?: number;
}

/** BOS + prompt tokens: what the policy is asked to continue. */
export function promptTokens(task: Task, problem: Problem): number[] {
  return [task.tokenizer.bos, ...task.tokenizer.encode(problem.prompt)];
}

/**
 * Samples `samplesPerProblem` answers per problem, batched. Returns one row of samples per problem. The answer
 * budget is what is left of the task's longest sequence after the prompt, so no row can overflow the context.
 */
export function rollout(policy: Policy, task: Task, problems: Problem[], options: RolloutOptions): Sample[][] {
  const k = options.samplesPerProblem;
  const limit = Math.min(policy.contextLength, task.maxSequenceLength);
  const rows = problems.flatMap((problem) => Array.from({ length: k }, () => ({ problem, prompt: promptTokens(task, problem) })));
  const chunkRows = options.chunkRows ?? 512;
  const flat: Sample[] = [];
  for (let start = 0; start < rows.length; start += chunkRows) {
    const chunk = rows.slice(start, start + chunkRows);
    const longest = Math.max(...chunk.map((r) => r.prompt.length));
    // The EOS a row ends with is one of the new tokens, so the budget is the whole remainder.
    const maxNewTokens = Math.max(1, limit - longest);
    const result = policy.sample(
      chunk.map((r) => r.prompt),
      { maxNewTokens, temperature: options.temperature, topK: options.topK ?? 0, rng: options.rng },
    );
    chunk.forEach((r, i) => {
      const tokens = result.tokens[i] ?? [];
      flat.push({
        problem: r.problem,
        output: task.tokenizer.decode(tokens),
        tokens,
        logProbs: result.logProbs[i] ?? [],
        finished: tokens.length < maxNewTokens,
      });
    });
  }
  return problems.map((_, i) => flat.slice(i * k, (i + 1) * k));
}

/** A training batch of prompt + answer + EOS rows; only the answer and EOS are trained. */
export function toTrainBatch(task: Task, pairs: Array<{ prompt: string; answer: string }>, weights?: number[]): TrainBatch {
  const { tokenizer } = task;
  const sequences: number[][] = [];
  const targetStart: number[] = [];
  for (const { prompt, answer } of pairs) {
    const p = [tokenizer.bos, ...tokenizer.encode(prompt)];
    sequences.push([...p, ...tokenizer.encode(answer), tokenizer.eos]);
    targetStart.push(p.length);
  }
  return weights ? { sequences, targetStart, weights } : { sequences, targetStart };
}

/** The warm-up's supervised examples as a training batch. */
export function warmupTrainBatch(task: Task, rng: Rng, n: number): TrainBatch {
  const problems = task.warmupBatch(rng, n).filter((p): p is Problem & { answer: string } => p.answer !== null);
  return toTrainBatch(task, problems);
}

/** `n` rows drawn (with replacement) from the agent's memory exemplars, as prompt/answer pairs. */
export function memoryPairs(memory: Array<{ prompt: string; answer: string }>, rng: Rng, n: number): Array<{ prompt: string; answer: string }> {
  if (memory.length === 0) return [];
  return Array.from({ length: n }, () => memory[rng.int(memory.length)]!);
}

/** The most common output and its share of the samples (ties: the earliest). */
export function majority(outputs: string[]): { answer: string; share: number; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const o of outputs) counts.set(o.trim(), (counts.get(o.trim()) ?? 0) + 1);
  let answer = '';
  let best = -1;
  for (const [o, c] of counts) {
    if (c > best) {
      answer = o;
      best = c;
    }
  }
  return { answer, share: outputs.length === 0 ? 0 : best / outputs.length, counts };
}

/**
 * A replay batch: warm-up data, with the agent's memory exemplars mixed in when it has some (its memoryShare of the
 * batch), so the easy levels are not forgotten while a recipe trains on its own samples.
 */
export function replayBatch(ctx: { task: Task; rng: Rng; agent: AgentView }, batchSize: number): TrainBatch {
  const nMemory = ctx.agent.memory.length === 0 ? 0 : Math.round(batchSize * ctx.agent.memoryShare);
  const batch = warmupTrainBatch(ctx.task, ctx.rng, batchSize - nMemory);
  const memory = toTrainBatch(ctx.task, memoryPairs(ctx.agent.memory, ctx.rng, nMemory));
  batch.sequences.push(...memory.sequences);
  batch.targetStart.push(...memory.targetStart);
  return batch;
}
