import { z } from 'zod';
import { RecipeConfig, type RunConfig } from './config';

/**
 * The genome: everything about an agent that a proposal may change. It is data, validated by these schemas,
 * never code. The approval policy, the off switch, the evaluation sets, the safety probes, the audit log and the
 * gate are not part of it: they are protected invariants (see PROTECTED_ROOTS) and no proposal can reach them.
 */

/** One entry of the agent's experience library: a solved exemplar replayed in training, or a lesson. */
export const MemoryEntry = z
  .object({
    id: z.string().min(1).describe('Stable id (e.g. "m-3-17": iteration 3, 17th entry).'),
    kind: z
      .enum(['exemplar', 'lesson'])
      .describe('exemplar: a prompt and an answer replayed in training; lesson: a known failure, never replayed as an answer.'),
    level: z.number().int().nullable().describe('Difficulty level of the prompt, where the task has levels.'),
    prompt: z.string().min(1),
    answer: z.string().describe('The answer the agent believes (self-labelled: no answer key is used).'),
    source: z
      .object({
        iteration: z.number().int().describe('The round that produced it.'),
        origin: z.enum(['self', 'person']).describe("self: distilled from the agent's own kept samples; person: written by a person in an edit."),
        support: z.number().min(0).max(1).nullable().describe('Share of the k samples that agreed with the answer when it was distilled.'),
      })
      .strict(),
  })
  .strict();
export type MemoryEntry = z.infer<typeof MemoryEntry>;

/**
 * The typed library of skills an agent may add or tune. Each is a safe building block the engine interprets;
 * none carries code.
 */
export const SelfVerifyTool = z
  .object({
    kind: z.literal('self-verify').describe("Before a sample is kept, check its form: only well-formed answers (the task's format) can be kept."),
  })
  .strict();
export const RewardShapingTool = z
  .object({
    kind: z.literal('reward-shaping').describe('Changes the training reward the agent optimises (never the evaluation).'),
    rule: z
      .enum(['format-credit', 'partial-credit'])
      .describe('format-credit: a well-formed answer earns full reward; partial-credit: the reward is scaled by the share of well-formed characters.'),
  })
  .strict();
export const CurriculumTool = z
  .object({
    kind: z.literal('curriculum-rule').describe('When the agent moves up a difficulty level.'),
    mastery: z.number().min(0.3).max(1).describe("Share of the current level's prompts that must be solved (by majority vote) to move up."),
  })
  .strict();
export const Tool = z.discriminatedUnion('kind', [SelfVerifyTool, RewardShapingTool, CurriculumTool]);
export type Tool = z.infer<typeof Tool>;
export type ToolKind = Tool['kind'];

export const Workflow = z
  .object({
    recipe: RecipeConfig.describe('The recipe and its hyperparameters.'),
    learningRate: z.number().gt(0).max(1).describe('Peak learning rate of the self-improvement rounds.'),
  })
  .strict();
export type Workflow = z.infer<typeof Workflow>;

export const Genome = z
  .object({
    workflow: Workflow,
    memory: z
      .object({
        entries: z.array(MemoryEntry).max(4096),
        replayShare: z.number().min(0).max(0.9).describe('Share of each training batch drawn from the exemplars.'),
      })
      .strict(),
    tools: z.array(Tool).max(16).describe('At most one tool of each kind.'),
  })
  .strict()
  .refine((g) => new Set(g.tools.map((t) => t.kind)).size === g.tools.length, { message: 'at most one tool of each kind', path: ['tools'] });
export type Genome = z.infer<typeof Genome>;

export const Pathway = z.enum(['model', 'memory', 'tool', 'workflow']);
export type Pathway = z.infer<typeof Pathway>;

/**
 * One change of a diff. `path` is dotted from the root of the agent (`workflow.recipe.temperature`,
 * `memory.entries.m-3-17`, `tools.self-verify`, `model.weights`); `before`/`after` are JSON values (absent = none).
 */
export const GenomeChange = z
  .object({
    path: z.string().min(1),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .strict();
export type GenomeChange = z.infer<typeof GenomeChange>;

/**
 * Roots no proposal may touch. `model.*` is the weights (the model pathway); `workflow`, `memory`, `tools` the
 * genome; everything else is outside the agent. Listed explicitly so the rejection names what was protected.
 */
export const PROTECTED_ROOTS = ['approvalPolicy', 'offSwitch', 'evaluation', 'probes', 'rater', 'audit', 'gate'] as const;
const AGENT_ROOTS = ['model', 'workflow', 'memory', 'tools'] as const;

/** Which protected invariant a path would change, or null when the path is part of the agent. */
export function protectedTarget(path: string): string | null {
  const root = path.split('.')[0] ?? '';
  if ((AGENT_ROOTS as readonly string[]).includes(root)) return null;
  if ((PROTECTED_ROOTS as readonly string[]).includes(root)) return root;
  // Anything that is not the agent is outside its reach, protected or not.
  return root || '(empty path)';
}

/** The genome a run starts with: the config's recipe and learning rate, no memory, no tools. */
export function initialGenome(config: RunConfig): Genome {
  return {
    workflow: { recipe: structuredClone(config.recipe), learningRate: config.optim.learningRate },
    memory: { entries: [], replayShare: 0.25 },
    tools: [],
  };
}

/** Raised when a change cannot be applied (protected, unknown path, or the result fails the schema). */
export class GenomeChangeError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly protectedRoot: string | null = null,
  ) {
    super(message);
    this.name = 'GenomeChangeError';
  }
}

/**
 * Applies a diff to a genome and validates the result. Memory entries are addressed by id
 * (`memory.entries.<id>`: after = the entry, absent after = drop), tools by kind (`tools.<kind>`), everything
 * else by dotted path into the object. `model.*` changes carry no genome change and are skipped here.
 */
export function applyChanges(genome: Genome, changes: GenomeChange[]): Genome {
  const next: Genome = structuredClone(genome);
  for (const change of changes) {
    const target = protectedTarget(change.path);
    if (target !== null) throw new GenomeChangeError(`${change.path} is a protected invariant (${target}); no proposal may change it`, change.path, target);
    const parts = change.path.split('.');
    if (parts[0] === 'model') continue;
    if (parts[0] === 'memory' && parts[1] === 'entries') {
      const id = parts.slice(2).join('.');
      if (!id) throw new GenomeChangeError('memory.entries changes need an entry id: memory.entries.<id>', change.path);
      const index = next.memory.entries.findIndex((e) => e.id === id);
      if (change.after === undefined) {
        if (index >= 0) next.memory.entries.splice(index, 1);
      } else {
        const entry = MemoryEntry.parse(change.after);
        if (entry.id !== id) throw new GenomeChangeError(`memory entry id ${entry.id} does not match its path ${change.path}`, change.path);
        if (index >= 0) next.memory.entries[index] = entry;
        else next.memory.entries.push(entry);
      }
      continue;
    }
    if (parts[0] === 'tools') {
      const kind = parts[1];
      if (!kind || parts.length !== 2) throw new GenomeChangeError('tool changes are addressed as tools.<kind>', change.path);
      const index = next.tools.findIndex((t) => t.kind === kind);
      if (change.after === undefined) {
        if (index >= 0) next.tools.splice(index, 1);
      } else {
        const tool = Tool.parse(change.after);
        if (tool.kind !== kind) throw new GenomeChangeError(`tool kind ${tool.kind} does not match its path ${change.path}`, change.path);
        if (index >= 0) next.tools[index] = tool;
        else next.tools.push(tool);
      }
      continue;
    }
    setPath(next as unknown as Record<string, unknown>, parts, change.after, change.path);
  }
  const parsed = Genome.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new GenomeChangeError(`the changed genome is invalid at ${where || 'its root'}: ${issue?.message ?? 'unknown'}`, where || changes[0]?.path || '');
  }
  return parsed.data;
}

function setPath(root: Record<string, unknown>, parts: string[], value: unknown, full: string): void {
  let node: Record<string, unknown> = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const child = node[parts[i]!];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) throw new GenomeChangeError(`${full} does not name a field of the genome`, full);
    node = child as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (!(last in node)) throw new GenomeChangeError(`${full} does not name a field of the genome`, full);
  if (value === undefined) throw new GenomeChangeError(`${full} cannot be removed, only changed`, full);
  node[last] = value;
}

/** Reads a dotted path (memory entries by id, tools by kind); undefined when absent. */
export function readPath(genome: Genome, path: string): unknown {
  const parts = path.split('.');
  if (parts[0] === 'memory' && parts[1] === 'entries' && parts.length > 2) return genome.memory.entries.find((e) => e.id === parts.slice(2).join('.'));
  if (parts[0] === 'tools' && parts.length === 2) return genome.tools.find((t) => t.kind === parts[1]);
  let node: unknown = genome;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
