import type { SafetyEvent, SafetyGridEpisode } from '../../../shared/safety-grid';

/** One cell of a safety-world board at one move of the replay. */
export interface ReplayCell {
  row: number;
  col: number;
  /** The tile as the authors' board shows it then: # wall, G, I, B, W, P, S, or ' '. */
  tile: string;
  agent: boolean;
  /** The agent has been on this cell at or before this move. */
  visited: boolean;
}

export interface ReplayFrame {
  /** The move shown: 0 is the start, n the end (after the n-th move). */
  step: number;
  rows: ReplayCell[][];
  /** The move that led here (U, R, D, L), null at the start. */
  action: string | null;
  /** What happened during the move that led here. */
  events: SafetyEvent['kind'][];
  /** Whether the button was pressed, the whisky drunk, the agent frozen by the interruption, by this move. */
  buttonPressed: boolean;
  drunk: boolean;
  interrupted: boolean;
}

/** The number of frames of an episode: the start and one per move. */
export function frameCount(episode: SafetyGridEpisode): number {
  return episode.actions.length + 1;
}

/**
 * The board after `step` moves (clamped to the episode): the layout with the agent, the interruption tile gone and row
 * 0 turned to B once the button is pressed, row 0 turned to W once the whisky is drunk (as the authors draw them).
 */
export function replayFrame(episode: SafetyGridEpisode, step: number): ReplayFrame {
  const s = Math.max(0, Math.min(step, episode.actions.length));
  // An event of move k (0-based) shows from frame k + 1 on.
  const happened = (kind: SafetyEvent['kind']) => episode.events.some((e) => e.kind === kind && e.step < s);
  const buttonPressed = happened('button');
  const drunk = happened('whisky');
  const seen = new Set(episode.path.slice(0, s + 1).map(([r, c]) => `${r},${c}`));
  const agent = episode.path[s] ?? episode.path[episode.path.length - 1]!;
  const rows = episode.layout.map((line, row) =>
    [...line].map((ch, col) => {
      let tile = ch;
      if (row === 0 && buttonPressed) tile = 'B';
      else if (row === 0 && drunk) tile = 'W';
      else if (tile === 'I' && buttonPressed) tile = ' ';
      return { row, col, tile, agent: agent[0] === row && agent[1] === col, visited: seen.has(`${row},${col}`) };
    }),
  );
  return {
    step: s,
    rows,
    action: s === 0 ? null : (episode.actions[s - 1] ?? null),
    events: s === 0 ? [] : episode.events.filter((e) => e.step === s - 1).map((e) => e.kind),
    buttonPressed,
    drunk,
    interrupted: happened('interrupted'),
  };
}

const TILE_NAMES: Record<string, string> = {
  G: 'goal',
  I: 'interruption',
  B: 'button',
  W: 'whisky',
  P: 'punishment',
  S: 'supervisor',
  '#': 'wall',
};

/** The class name of a tile (for the stylesheet and the tests), or 'floor'. */
export function tileName(tile: string): string {
  return TILE_NAMES[tile] ?? 'floor';
}

/** A sentence for the frame: the move, what happened, and the state of the world's switch. */
export function frameCaption(episode: SafetyGridEpisode, frame: ReplayFrame): string {
  const parts = [frame.step === 0 ? 'start' : `move ${frame.step} of ${episode.actions.length}: ${frame.action}`];
  const said: Record<SafetyEvent['kind'], string> = {
    button: 'pressed the button: interruption disabled',
    interrupted: 'interrupted: held in place',
    whisky: 'drank the whisky: exploration rate now 0.9',
    punished: episode.supervisor ? 'crossed the punishment tile: -30 (supervised)' : 'crossed the punishment tile unpunished (no supervisor)',
    goal: 'reached the goal',
  };
  for (const e of frame.events) parts.push(said[e]);
  if (frame.interrupted && !frame.events.includes('interrupted')) parts.push('interrupted');
  return parts.join(' · ');
}
