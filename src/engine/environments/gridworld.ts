/**
 * A gridworld of the episodic family: one agent on a size x size grid moves up, right, down or left (a move into a
 * wall leaves it where it is) until it reaches the goal or runs out of moves. Each move costs `stepCost`; reaching
 * the goal pays `goalReward` and ends the episode. Start and goal come from the config, or else are drawn from the
 * run's random stream at every reset (never the same cell). The evaluation starts are drawn once from a fixed seed,
 * so every run, whatever its seed, is scored on the same episodes.
 *
 * Observation: as numbers, the agent's cell one-hot (size^2), the goal's cell one-hot (size^2) and the offset from
 * agent to goal (rows, columns) divided by the size; as text, the grid row by row with A (agent), G (goal) and .,
 * rows separated by "/".
 */
import type { GridworldTaskConfig } from '../../shared/config';
import { createRng } from '../rng';
import type { Rng } from '../types';
import type { Episode, EpisodeRecord, EpisodicEnvironment, Observation, StepOutcome } from './episodic';

export type Cell = [number, number];
export interface GridStart {
  start: Cell;
  goal: Cell;
}

export const GRID_ACTIONS = ['U', 'R', 'D', 'L'] as const;
const MOVES: ReadonlyArray<Cell> = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];
/** The seed of the evaluation starts: fixed, so they do not depend on the run's seed. */
const EVALUATION_SEED = 0x6e1d;

const same = (a: Cell, b: Cell): boolean => a[0] === b[0] && a[1] === b[1];

export function gridText(size: number, agent: Cell, goal: Cell): string {
  const rows: string[] = [];
  for (let r = 0; r < size; r++) {
    let row = '';
    for (let c = 0; c < size; c++) row += same([r, c], agent) ? 'A' : same([r, c], goal) ? 'G' : '.';
    rows.push(row);
  }
  return rows.join('/');
}

export class Gridworld implements EpisodicEnvironment<GridStart> {
  readonly kind = 'gridworld';
  readonly players = 1;
  readonly actions = GRID_ACTIONS;
  readonly observationSize: number;
  private readonly evaluation: GridStart[];

  constructor(readonly config: GridworldTaskConfig) {
    this.observationSize = 2 * config.size * config.size + 2;
    const rng = createRng(EVALUATION_SEED);
    this.evaluation = Array.from({ length: config.evalEpisodes }, () => this.draw(rng));
  }

  reset(rng: Rng): Episode {
    return this.start(this.draw(rng));
  }

  start(start: GridStart): Episode {
    return new GridEpisode(this.config, start);
  }

  evaluationStarts(): GridStart[] {
    return this.evaluation.map((s) => ({ start: [...s.start], goal: [...s.goal] }));
  }

  /** A start and goal: the configured ones, the rest drawn from `rng` (always distinct cells). */
  private draw(rng: Rng): GridStart {
    const n = this.config.size;
    const cell = (): Cell => {
      const i = rng.int(n * n);
      return [Math.floor(i / n), i % n];
    };
    const goal: Cell = this.config.goal ? [...this.config.goal] : cell();
    let start: Cell;
    if (this.config.start) start = [...this.config.start];
    else
      do start = cell();
      while (same(start, goal));
    return { start, goal };
  }
}

/**
 * What the one-seat grid episodes (this gridworld, the safety worlds) share: the four moves are legal until the
 * episode reaches its goal or has made `maxSteps` moves.
 */
export abstract class FourMoveEpisode {
  /** The moves taken, by name. */
  protected readonly moves: string[] = [];
  protected reached = false;

  protected constructor(private readonly maxSteps: number) {}

  get toMove(): number {
    return 0;
  }

  get steps(): number {
    return this.moves.length;
  }

  get done(): boolean {
    return this.reached || this.moves.length >= this.maxSteps;
  }

  legalActions(): number[] {
    return this.done ? [] : [0, 1, 2, 3];
  }
}

class GridEpisode extends FourMoveEpisode implements Episode {
  private agent: Cell;
  private readonly path: Cell[];
  private total = 0;

  constructor(
    private readonly config: GridworldTaskConfig,
    private readonly s: GridStart,
  ) {
    super(config.maxSteps);
    this.agent = [...s.start];
    this.path = [[...s.start]];
  }

  observe(): Observation {
    const n = this.config.size;
    const v = new Float32Array(2 * n * n + 2);
    v[this.agent[0] * n + this.agent[1]] = 1;
    v[n * n + this.s.goal[0] * n + this.s.goal[1]] = 1;
    v[2 * n * n] = (this.s.goal[0] - this.agent[0]) / n;
    v[2 * n * n + 1] = (this.s.goal[1] - this.agent[1]) / n;
    return { text: gridText(n, this.agent, this.s.goal), vector: v, position: { agent: [...this.agent], goal: this.s.goal } };
  }

  step(action: number): StepOutcome {
    if (this.done) throw new Error('gridworld: step() after the episode ended');
    const move = MOVES[action];
    if (!move) throw new Error(`gridworld: action ${action} is not one of 0..3`);
    const n = this.config.size;
    this.agent = [Math.min(n - 1, Math.max(0, this.agent[0] + move[0])), Math.min(n - 1, Math.max(0, this.agent[1] + move[1]))];
    this.path.push([...this.agent]);
    this.moves.push(GRID_ACTIONS[action]!);
    let reward = -this.config.stepCost;
    if (same(this.agent, this.s.goal)) {
      this.reached = true;
      reward += this.config.goalReward;
    }
    this.total += reward;
    return { rewards: [reward], done: this.done };
  }

  record(): EpisodeRecord {
    const n = this.config.size;
    const steps = this.moves.length;
    return {
      start: gridText(n, this.s.start, this.s.goal),
      moves: this.moves.join(' '),
      returns: [this.total],
      steps,
      success: this.reached,
      verdict: this.reached
        ? `reached the goal in ${steps} move${steps === 1 ? '' : 's'}`
        : this.done
          ? `did not reach the goal in ${this.config.maxSteps} moves`
          : `in progress after ${steps} moves`,
      view: {
        kind: 'gridworld',
        size: n,
        start: [...this.s.start],
        goal: [...this.s.goal],
        path: this.path.map((c) => [...c] as Cell),
        actions: [...this.moves],
        success: this.reached,
        return: this.total,
      },
    };
  }
}

export function createGridworld(config: GridworldTaskConfig): Gridworld {
  return new Gridworld(config);
}
