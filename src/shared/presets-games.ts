/**
 * The game presets (SPIRAL, engine: recipes/spiral.ts): each game, the three-game mix, and SPIRAL's ablations on
 * TicTacToe (no role baseline, a fixed opponent, a random opponent), full and smoke; and archives of TicTacToe agents
 * (DGM and HGM searches whose score is the win rate against a random mover), full and smoke. presets.ts lists them
 * with the others. Settings: a 64x64 tanh policy-value MLP, Adam at 3e-3, no warm-up (iteration 0 is the untrained
 * policy); docs/games.md says what each shows and results.md what they gave.
 */
import type { RunConfigInput } from './config';
import { mlpPolicy as policy, type PresetDefinition } from './presets-parts';

const optim = { learningRate: 3e-3, warmupSteps: 0, minLrRatio: 0.3 };
type GameName = 'tictactoe' | 'kuhn-poker' | 'negotiation';

interface Variant {
  id: string;
  title: string;
  summary: string;
  games: GameName[];
  recipe: Extract<RunConfigInput['recipe'], { kind: 'spiral' }>;
  iterations: number;
  smokeIterations: number;
  /** Evaluation games per opponent (TicTacToe's win rates move by a few games: 128 halves the noise of 64's). */
  evalGames?: number;
}

const variants: Variant[] = [
  {
    id: 'spiral-tictactoe',
    title: 'TicTacToe',
    summary:
      'One policy plays X and O against itself with role-conditioned advantages; its win rate against a random mover and its loss rate against the perfect minimax player are on the chart.',
    games: ['tictactoe'],
    recipe: { kind: 'spiral', gamesPerIteration: 128 },
    iterations: 500,
    smokeIterations: 80,
    evalGames: 128,
  },
  {
    id: 'spiral-kuhn-poker',
    title: 'Kuhn Poker',
    summary:
      'Five-round Kuhn Poker matches against itself; the exact exploitability of its strategy (0 at a Nash equilibrium) is computed every iteration by walking the game tree.',
    games: ['kuhn-poker'],
    recipe: { kind: 'spiral', gamesPerIteration: 64 },
    iterations: 300,
    smokeIterations: 40,
  },
  {
    id: 'spiral-negotiation',
    title: 'Simple Negotiation',
    summary: 'Trade Wood and Gold with opposite values for 10 turns against itself; the larger gain in inventory value wins.',
    games: ['negotiation'],
    recipe: { kind: 'spiral', gamesPerIteration: 64 },
    iterations: 300,
    smokeIterations: 30,
  },
  {
    id: 'spiral-mix',
    title: 'Three-game mix',
    summary: "TicTacToe, Kuhn Poker and Simple Negotiation at once: one policy, a one-hot of the game in its input and each game's own actions.",
    games: ['tictactoe', 'kuhn-poker', 'negotiation'],
    recipe: { kind: 'spiral', gamesPerIteration: 192 },
    iterations: 500,
    smokeIterations: 40,
  },
  {
    id: 'spiral-tictactoe-no-rae',
    title: 'TicTacToe, no role baseline',
    summary: "SPIRAL's ablation: the same self-play with the raw outcome as advantage (no per-seat baseline); draws then teach nothing.",
    games: ['tictactoe'],
    recipe: { kind: 'spiral', gamesPerIteration: 128, baseline: 'none' },
    iterations: 500,
    smokeIterations: 80,
    evalGames: 128,
  },
  {
    id: 'spiral-tictactoe-fixed',
    title: 'TicTacToe against a fixed opponent',
    summary: "SPIRAL's ablation: train against the initial policy, frozen, instead of against itself; the agent's seat alternates.",
    games: ['tictactoe'],
    recipe: { kind: 'spiral', gamesPerIteration: 128, opponent: 'fixed' },
    iterations: 500,
    smokeIterations: 80,
    evalGames: 128,
  },
  {
    id: 'spiral-tictactoe-random',
    title: 'TicTacToe against a random opponent',
    summary: "SPIRAL's ablation: train against a random legal mover; the agent's seat alternates.",
    games: ['tictactoe'],
    recipe: { kind: 'spiral', gamesPerIteration: 128, opponent: 'random' },
    iterations: 500,
    smokeIterations: 80,
    evalGames: 128,
  },
];

export const gamePresets: PresetDefinition[] = variants.flatMap((v) => [
  {
    id: v.id,
    title: `SPIRAL · ${v.title}`,
    summary: v.summary,
    smoke: false,
    config: {
      task: { kind: 'game', games: v.games, evalGames: v.evalGames ?? 64 },
      policy,
      optim,
      warmup: { steps: 0 },
      iterations: v.iterations,
      evalEvery: 10,
      recipe: v.recipe,
    },
  },
  {
    id: `${v.id}-smoke`,
    title: `SPIRAL · ${v.title} (smoke)`,
    summary: `A few-second run of the same: ${v.smokeIterations} iterations.`,
    smoke: true,
    config: {
      task: { kind: 'game', games: v.games, evalGames: v.evalGames ?? 64 },
      policy,
      optim,
      warmup: { steps: 0 },
      iterations: v.smokeIterations,
      evalEvery: 5,
      recipe: v.recipe,
    },
  },
]);

/**
 * Archives of SPIRAL agents on TicTacToe (and Kuhn Poker): every child is its parent after one self-play round (128
 * games of TicTacToe or 64 Kuhn Poker matches, four gradient steps on them) with one change of SPIRAL's knobs its
 * proposer asked for, scored on a fixed search set of episodes against a random mover (its win rate), and admitted by
 * the gate. The smoke searches are small enough for a test; the full TicTacToe ones make docs/results.md's DGM-vs-HGM
 * table (bench/game-archive.ts).
 */
const archiveGames = [
  { id: 'tictactoe', title: 'TicTacToe', game: 'tictactoe' as const, games: 128, evalGames: 128 },
  { id: 'kuhn-poker', title: 'Kuhn Poker', game: 'kuhn-poker' as const, games: 64, evalGames: 64 },
];
const searches = [
  { strategy: 'dgm', name: 'DGM', how: 'parents drawn by score and novelty, children scored in stages (16 episodes, then the rest)' },
  { strategy: 'hgm', name: 'HGM', how: 'parents drawn by clade metaproductivity (Thompson sampling), children scored in batches of 8 episodes' },
] as const;
export const gameArchivePresets: PresetDefinition[] = archiveGames.flatMap((g) =>
  searches.flatMap((x) => {
    const recipe = { kind: 'spiral' as const, gamesPerIteration: g.games, stepsPerIteration: 4 };
    const task = { kind: 'game' as const, games: [g.game], evalGames: g.evalGames };
    const archive = { enabled: true, strategy: x.strategy, expansionCost: 64, poolSize: 64, cheapTasks: 16, evalBatch: 8 };
    return [
      {
        id: `${g.id}-${x.strategy}`,
        title: `${g.title} · archive (${x.name})`,
        summary: `An open-ended search over SPIRAL agents scored by their win rate against a random mover: ${x.how}; each child passes the gate.`,
        smoke: false,
        policy: 'archive' as const,
        config: { task, policy, optim, warmup: { steps: 0 }, iterations: 2000, recipe, archive: { ...archive, budget: 20000 } },
      },
      {
        id: `${g.id}-${x.strategy}-smoke`,
        title: `${g.title} · archive (${x.name}, smoke)`,
        summary: `A short search of the same whose lineage tree grows in seconds.`,
        smoke: true,
        policy: 'archive' as const,
        config: { task: { ...task, evalGames: 64 }, policy, optim, warmup: { steps: 0 }, iterations: 100, recipe, archive: { ...archive, budget: 2400 } },
      },
    ];
  }),
);
