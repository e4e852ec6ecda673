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

/**
 * The text LM plays the games (engine: text-game-session.ts, recipes/spiral-text.ts): a char-level transformer reads
 * the compact text observation and writes its move; a supervised warm-up on random legal moves stands in for the
 * instruct model SPIRAL starts from. The transfer preset also warms up on 1-2 digit sums and reports their held-out
 * accuracy before and during game training. Sizes fit a CPU: docs/games.md says what each is for.
 */
interface TextVariant {
  id: string;
  title: string;
  summary: string;
  games: GameName[];
  contextLength: number;
  recipe: Extract<RunConfigInput['recipe'], { kind: 'spiral' }>;
  transfer: boolean;
  full: { iterations: number; warmup: number };
  smoke: { iterations: number; warmup: number };
}

// One block of width 32: a step on a 140-character prompt takes some 0.4 s on a shared CPU (WASM); a constant-ish rate,
// since the cosine over warm-up and game steps would leave the game steps at its floor.
const textPolicy = { kind: 'transformer' as const, dModel: 32, nLayers: 1, nHeads: 2, positions: 'rope' as const };
const textOptim = { learningRate: 1e-2, warmupSteps: 10, minLrRatio: 0.5, batchSize: 32 };

const textVariants: TextVariant[] = [
  {
    id: 'tictactoe-text-spiral',
    title: 'TicTacToe, text LM',
    summary:
      'A char-level transformer reads the board as text and writes its move ([4]); after a warm-up on random legal moves it plays itself with role-conditioned advantages, trained on the tokens it wrote. Its invalid-move rate and win rate against a random mover are on the chart.',
    games: ['tictactoe'],
    contextLength: 144,
    recipe: { kind: 'spiral', gamesPerIteration: 32, maxNewTokens: 4 },
    transfer: false,
    full: { iterations: 100, warmup: 600 },
    smoke: { iterations: 4, warmup: 100 },
  },
  {
    id: 'kuhn-text-spiral',
    title: 'Kuhn Poker, text LM',
    summary:
      "The same text LM on Kuhn Poker: it reads the round's messages and writes [check], [bet], [fold] or [call]; wins and invalid moves against a random mover and its initial self are on the chart (exploitability needs the MLP's numeric strategy).",
    games: ['kuhn-poker'],
    contextLength: 200,
    recipe: { kind: 'spiral', gamesPerIteration: 8, maxNewTokens: 8 },
    transfer: false,
    full: { iterations: 100, warmup: 600 },
    smoke: { iterations: 4, warmup: 60 },
  },
  {
    id: 'transfer-arithmetic-tictactoe',
    title: 'Transfer probe: arithmetic and TicTacToe',
    summary:
      "The text LM is warmed up on TicTacToe moves and on 1-2 digit sums, then trained on TicTacToe only; the sums' held-out accuracy is measured after the warm-up and at every evaluation (SPIRAL's transfer question, reported whatever it shows).",
    games: ['tictactoe'],
    contextLength: 144,
    recipe: { kind: 'spiral', gamesPerIteration: 32, maxNewTokens: 4 },
    transfer: true,
    full: { iterations: 100, warmup: 800 },
    smoke: { iterations: 4, warmup: 120 },
  },
];

function textConfig(v: TextVariant, size: { iterations: number; warmup: number }, evalEvery: number, evalGames: number): RunConfigInput {
  return {
    task: {
      kind: 'game',
      games: v.games,
      evalGames,
      textObservation: 'compact',
      transfer: v.transfer ? { arithmetic: { maxDigits: 2, warmupMaxDigits: 2, heldoutPerLevel: 64 } } : null,
    },
    policy: { ...textPolicy, contextLength: v.contextLength },
    optim: textOptim,
    warmup: { steps: size.warmup },
    iterations: size.iterations,
    evalEvery,
    recipe: v.recipe,
  };
}

export const textGamePresets: PresetDefinition[] = textVariants.flatMap((v) => [
  { id: v.id, title: `SPIRAL · ${v.title}`, summary: v.summary, smoke: false, config: textConfig(v, v.full, 10, 64) },
  {
    id: `${v.id}-smoke`,
    title: `SPIRAL · ${v.title} (smoke)`,
    summary: `A short run of the same on a CPU: ${v.smoke.warmup} warm-up steps, ${v.smoke.iterations} iterations.`,
    smoke: true,
    config: textConfig(v, v.smoke, 2, 32),
  },
]);
