/**
 * An archive of game agents: its children's proposer moves SPIRAL's knobs from the round's game monitors, within
 * their bounds; its search set is a fixed list of episodes against a random mover whose outcomes do not depend on how
 * they are batched; and the config admits archive runs of SPIRAL game agents while refusing other episodic ones,
 * naming the field.
 */
import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { applyChanges, initialGenome } from '../../shared/genome';
import { createGameSet } from '../environments/games/game-set';
import { gameSearchSet, playSearchEpisodes } from '../environments/games/search-episodes';
import { tunableKnobs } from '../recipes/registry';
import { episodicKnobIssues, spiralKnobCandidates, SPIRAL_ENTROPY_ON } from './episodic-knobs';
import { gameEvidence } from './game-evidence';

const spiral = RunConfig.parse({
  task: { kind: 'game', games: ['tictactoe'], evalGames: 8 },
  policy: { kind: 'mlp', hidden: [8] },
  recipe: { kind: 'spiral', gamesPerIteration: 64 },
  optim: { learningRate: 0.003 },
  warmup: { steps: 0 },
  archive: { enabled: true },
});
const genome = initialGenome(spiral);
const round = (win: number, extra: Record<string, number> = {}) => ({
  'game/tictactoe_win_rate_vs_random': win,
  'game/tictactoe_win_rate_seat0_vs_random': 1,
  'train/entropy': 0.9,
  'reward/mean': 0.2,
  'spiral/kept_fraction': 1,
  ...extra,
});

describe("SPIRAL's knob proposer", () => {
  it('a falling win rate against the random mover calls for smaller steps, an entropy bonus and more games, naming the monitor', () => {
    const c = spiralKnobCandidates({ genome, metrics: round(0.4), previous: round(0.6) });
    expect(c.map((x) => [x.kind, x.changes[0]!.path, x.changes[0]!.after])).toEqual([
      ['workflow:lower-learning-rate', 'workflow.learningRate', 0.0015],
      ['workflow:raise-temperature', 'workflow.recipe.entropyCoef', SPIRAL_ENTROPY_ON],
      ['workflow:more-games', 'workflow.recipe.gamesPerIteration', 128],
    ]);
    expect(c[0]!.rationale).toMatch(/win rate against the random mover fell 0.60 -> 0.40/);
  });

  it('a stalled win rate asks for a larger step; a jumping return for faster baselines; a near-deterministic policy for exploration', () => {
    const stalled = spiralKnobCandidates({ genome, metrics: round(0.6, { 'reward/mean': 0.6, 'train/entropy': 0.1 }), previous: round(0.6) });
    expect(stalled.map((x) => [x.kind, x.changes[0]!.after])).toEqual([
      ['workflow:raise-learning-rate', 0.006],
      ['workflow:raise-temperature', SPIRAL_ENTROPY_ON],
      ['workflow:raise-step-size', 0.9],
    ]);
    expect(stalled[2]!.rationale).toMatch(/training return moved 0.20 -> 0.60/);
    // A rising win rate and a steady return: only the baselines may average longer.
    const rising = spiralKnobCandidates({ genome, metrics: round(0.8), previous: round(0.6) });
    expect(rising.map((x) => x.kind)).toEqual(['workflow:lower-step-size']);
    // Another algorithm's genome gets nothing from this proposer.
    const a2c = RunConfig.parse({ task: { kind: 'gridworld' }, policy: { kind: 'mlp' }, recipe: { kind: 'a2c' }, warmup: { steps: 0 } });
    expect(spiralKnobCandidates({ genome: initialGenome(a2c), metrics: round(0.1), previous: round(0.6) })).toEqual([]);
  });

  it("every move stays within SPIRAL's bounds, and the bounds are checked again on a genome", () => {
    const tunable = tunableKnobs(spiral.recipe);
    const issues = (path: string, after: unknown) => episodicKnobIssues(applyChanges(genome, [{ path, after }]), genome, tunable).map((i) => i.path);
    expect(issues('workflow.recipe.entropyCoef', 0)).toEqual([]);
    expect(issues('workflow.recipe.entropyCoef', 0.9)).toEqual(['workflow.recipe.entropyCoef']);
    expect(issues('workflow.recipe.baselineDecay', 0.3)).toEqual(['workflow.recipe.baselineDecay']);
    expect(issues('workflow.recipe.gamesPerIteration', 4)).toEqual(['workflow.recipe.gamesPerIteration']);
    expect(issues('workflow.recipe.opponent', 'random')).toEqual(['workflow.recipe.opponent']);
    expect(issues('workflow.learningRate', 0.5)).toEqual(['workflow.learningRate']);
    const top = { ...genome, workflow: { ...genome.workflow, recipe: { ...spiral.recipe, gamesPerIteration: 1024 } } };
    expect(spiralKnobCandidates({ genome: top, metrics: round(0.4), previous: round(0.6) }).map((x) => x.kind)).not.toContain('workflow:more-games');
  });

  it('the evidence shows the game monitors, parent beside child, and says which checks do not apply', () => {
    const e = gameEvidence(round(0.5), round(0.7));
    expect(e.monitors!.find((m) => m.name === 'game/tictactoe_win_rate_vs_random')).toMatchObject({ before: 0.5, after: 0.7 });
    expect(e.selfRewarded).toBe(false);
    expect(e.notApplicable!.map((n) => n.check)).toEqual(['exploration-collapse']);
  });
});

describe("a game task's search set", () => {
  const env = createGameSet(RunConfig.parse({ ...spiral, task: { kind: 'game', games: ['tictactoe', 'kuhn-poker'] } }).task as never);
  // A fixed "policy": logits from the observation's sum, so moves depend on the position.
  const logits = (vs: Float32Array[]) =>
    vs.map((v) => Float32Array.from({ length: env.actions.length }, (_, a) => Math.sin(a * 1.7 + v.reduce((x, y) => x + y, 0))));

  it('is drawn from the seed, covers every game and both seats in any prefix, and is the same for the same seed', () => {
    const set = gameSearchSet(env, 3, 16);
    expect(gameSearchSet(env, 3, 16)).toEqual(set);
    expect(gameSearchSet(env, 4, 16).map((i) => i.seed)).not.toEqual(set.map((i) => i.seed));
    const prefix = set.slice(0, 4).map((i) => `${i.start.game}:${i.seat}`);
    expect(new Set(prefix)).toEqual(new Set(['tictactoe:0', 'kuhn-poker:0', 'tictactoe:1', 'kuhn-poker:1']));
    expect(set.map((i) => i.level)).toEqual(set.map((_, k) => k % 2));
  });

  it("an episode's outcome does not depend on the episodes played beside it (HGM's batches score as one pass would)", () => {
    const set = gameSearchSet(env, 5, 24);
    const whole = playSearchEpisodes(env, set, logits);
    const batched = [0, 8, 16].flatMap((k) => playSearchEpisodes(env, set.slice(k, k + 8), logits));
    const alone = set.map((item) => playSearchEpisodes(env, [item], logits)[0]!);
    expect(batched).toEqual(whole);
    expect(alone).toEqual(whole);
    // Against a random mover some are won and some not; the policy-value agent never moves illegally.
    expect(whole.some((o) => o.correct)).toBe(true);
    expect(whole.some((o) => !o.correct)).toBe(true);
    expect(whole.every((o) => o.wellFormed)).toBe(true);
  });
});

describe('which runs may keep an archive', () => {
  const issues = (input: unknown) => {
    const r = RunConfig.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('a SPIRAL game run may; a gridworld is refused naming archive.enabled and the fix', () => {
    expect(issues(spiral)).toEqual([]);
    const grid = issues({ task: { kind: 'gridworld' }, policy: { kind: 'mlp' }, recipe: { kind: 'a2c' }, archive: { enabled: true } });
    expect(grid).toHaveLength(1);
    expect(grid[0]).toMatch(/^archive\.enabled: archive runs need a text task or a game task/);
  });
});
