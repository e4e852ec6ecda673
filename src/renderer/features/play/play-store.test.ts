import { beforeEach, describe, expect, it } from 'vitest';
import type { PlayableRun, PlayState } from '../../../shared/play';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { moveKey } from './play-screen';
import { playActions, playStore, selectCanStart } from './play-store';

const runs: PlayableRun[] = [
  { runId: 'ttt', name: null, preset: 'spiral-tictactoe-smoke', status: 'completed', games: ['tictactoe'], checkpoints: [79, 80] },
  { runId: 'mix', name: null, preset: 'spiral-mix-smoke', status: 'completed', games: ['tictactoe', 'kuhn-poker'], checkpoints: [40] },
];

const state = (patch: Partial<PlayState>): PlayState => ({
  gameId: 'g1',
  runId: 'mix',
  iteration: 40,
  game: 'kuhn-poker',
  seat: 0,
  choice: 'sampled',
  view: { kind: 'tictactoe', moves: [], winner: null, invalidBy: null, truncated: false, returns: [0, 0], agentSeat: 1 },
  rounds: 5,
  toMove: 0,
  legal: ['[check]', '[bet]'],
  outcome: null,
  verdict: 'in progress after 0 moves',
  ...patch,
});

let bridge: FakeBridge;
beforeEach(() => {
  bridge = new FakeBridge()
    .on('play.runs', () => runs)
    .on('play.results', ({ runId }) => ({
      records: runId === 'mix' ? [{ iteration: 40, game: 'kuhn-poker', games: 1, win: 1, loss: 0, draw: 0 }] : [],
      recent: [],
    }));
  setBridge(bridge);
  playStore.setState({
    runs: [],
    runId: null,
    iteration: null,
    game: null,
    seat: 0,
    choice: 'sampled',
    current: null,
    busy: false,
    results: null,
    error: null,
  });
});

describe('the Play page store', () => {
  it("opens on the route's run with its newest checkpoint and first game, and keeps picks that fit the next run", async () => {
    await playActions.open('ttt');
    expect(playStore.getState()).toMatchObject({ runId: 'ttt', iteration: 80, game: 'tictactoe' });
    await playActions.pickRun('mix');
    expect(playStore.getState()).toMatchObject({ runId: 'mix', iteration: 40, game: 'tictactoe' });
    expect(playStore.getState().results?.records).toHaveLength(1);
  });

  it('starts a game with the picks, sends moves, and reloads the record when the game ends', async () => {
    bridge.on('play.start', () => state({})).on('play.move', ({ action }) => state({ legal: [], toMove: null, outcome: action === '[bet]' ? 'win' : 'loss' }));
    await playActions.open('mix');
    playActions.set({ game: 'kuhn-poker', seat: 1, choice: 'greedy' });
    await playActions.start();
    expect(bridge.calls.find((c) => c.name === 'play.start')?.input).toEqual({ runId: 'mix', iteration: 40, game: 'kuhn-poker', seat: 1, choice: 'greedy' });
    expect(selectCanStart(playStore.getState())).toBe(false);
    const before = bridge.calls.filter((c) => c.name === 'play.results').length;
    await playActions.move('[bet]');
    expect(playStore.getState().current?.outcome).toBe('win');
    expect(bridge.calls.filter((c) => c.name === 'play.results').length).toBe(before + 1);
    expect(selectCanStart(playStore.getState())).toBe(true);
  });

  it("shows the engine's refusal of a move and keeps the game as it was", async () => {
    bridge
      .on('play.start', () => state({}))
      .on('play.move', () => {
        throw Object.assign(new Error('"[call]" is not a legal move now. Legal moves: [check], [bet].'), {
          code: 'invalid_request',
          issues: [{ path: 'action', message: 'must be one of [check], [bet]' }],
        });
      });
    await playActions.open('mix');
    await playActions.start();
    await playActions.move('[call]');
    const s = playStore.getState();
    expect(s.error?.message).toMatch(/Legal moves: \[check\], \[bet\]/);
    expect(s.error?.issues[0]?.path).toBe('action');
    expect(s.current?.legal).toEqual(['[check]', '[bet]']);
    expect(s.busy).toBe(false);
  });

  it('gives each move a key: the cell digit, or c / b / f (check and call are never legal together)', () => {
    expect(['[4]', '[check]', '[bet]', '[fold]', '[call]'].map(moveKey)).toEqual(['4', 'c', 'b', 'f', 'c']);
  });
});
