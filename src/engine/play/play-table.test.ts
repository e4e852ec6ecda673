import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import type { RequestOutput } from '../../shared/contract';
import { findPreset } from '../../shared/presets';
import { EngineService } from '../service';
import { checkpointFileName, writeCheckpoint } from '../store/checkpoint';

type State = RequestOutput<'play.start'>;

/**
 * A checkpoint of a one-layer policy-value MLP whose hidden layer is all zeros, so its logits are the policy head's
 * bias: `bias[a]` ranks the moves and a greedy agent always plays the highest-ranked legal one.
 */
function agentState(inputs: number, bias: number[]) {
  const zeros = (n: number) => new Float32Array(n);
  return {
    family: 'episodic',
    policy: {
      config: { hidden: [4], activation: 'tanh' },
      step: 0,
      weights: {
        'h0.w': { shape: [inputs, 4], data: zeros(inputs * 4) },
        'h0.b': { shape: [4], data: zeros(4) },
        'pi.w': { shape: [4, bias.length], data: zeros(4 * bias.length) },
        'pi.b': { shape: [bias.length], data: Float32Array.from(bias) },
      },
      optimizer: {},
    },
  };
}

let dir: string;
let service: EngineService;

/** A stored game run with checkpoints of iterations 0 and 1 holding the given agent. */
function gameRun(preset: string, state: unknown): string {
  const config = RunConfig.parse(findPreset(preset)!.config);
  const run = service.store.createRun(config);
  for (const iteration of [0, 1]) {
    const file = writeCheckpoint(path.join(service.store.checkpointDir(run.id), checkpointFileName(iteration)), { runId: run.id, iteration, config, state });
    const at = new Date().toISOString();
    service.store.commitIteration(run.id, { iteration, startedAt: at, endedAt: at, checkpoint: file, metrics: {}, trajectories: [] });
  }
  return run.id;
}

const play = <N extends 'play.runs' | 'play.start' | 'play.move' | 'play.results'>(name: N, input: unknown) =>
  service.handle(name, input) as Promise<RequestOutput<N>>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-play-'));
  service = new EngineService({ workspace: dir, emit: () => {} });
});
afterEach(async () => {
  await service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('playing against a checkpoint', () => {
  it('lists game runs with their games and kept checkpoints, and not other runs', async () => {
    const runId = gameRun(
      'spiral-mix-smoke',
      agentState(
        3 + 28,
        Array.from({ length: 65 }, () => 0),
      ),
    );
    service.store.createRun(RunConfig.parse(findPreset('addition-grpo')!.config));
    // A run whose stored config no longer parses is left out, not a failure of the whole list.
    const broken = service.store.createRun(RunConfig.parse(findPreset('spiral-kuhn-poker-smoke')!.config));
    const db = new Database(path.join(dir, 'evolab.db'));
    db.prepare('UPDATE runs SET config = ? WHERE id = ?').run('{"task": {"kind": "game", "games": ["chess"]}}', broken.id);
    db.close();
    const runs = await play('play.runs', {});
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId, games: ['tictactoe', 'kuhn-poker'], checkpoints: [0, 1] });
  });

  it("answers the person's TicTacToe moves with the agent's greedy moves and stores the finished game", async () => {
    const runId = gameRun('spiral-tictactoe-smoke', agentState(28, [0, 1, 2, 3, 4, 5, 6, 7, 8]));
    let s: State = await play('play.start', { runId, iteration: 1, game: 'tictactoe', seat: 0, choice: 'greedy' });
    expect(s.toMove).toBe(0);
    expect(s.legal).toHaveLength(9);
    // X takes 0, the agent (O) its favourite free cell 8; X 1, O 7; X 2: three in a row.
    s = await play('play.move', { gameId: s.gameId, action: '[0]' });
    expect(s.view.moves).toEqual([
      { seat: 0, action: '[0]' },
      { seat: 1, action: '[8]' },
    ]);
    s = await play('play.move', { gameId: s.gameId, action: '1' });
    expect(s.view.moves.at(-1)).toEqual({ seat: 1, action: '[7]' });
    s = await play('play.move', { gameId: s.gameId, action: '[2]' });
    expect(s.outcome).toBe('win');
    expect(s.toMove).toBeNull();
    expect(s.legal).toEqual([]);
    expect(s.verdict).toMatch(/^You won/);
    const results = await play('play.results', { runId });
    expect(results.records).toEqual([{ iteration: 1, game: 'tictactoe', games: 1, win: 1, loss: 0, draw: 0 }]);
    expect(results.recent[0]).toMatchObject({ iteration: 1, game: 'tictactoe', seat: 0, choice: 'greedy', outcome: 'win', moves: 5 });
    expect(results.recent[0]!.view).toMatchObject({ kind: 'tictactoe', winner: 0, agentSeat: 1 });
    expect(results.recent[0]!.view.moves.map((m) => m.action)).toEqual(['[0]', '[8]', '[1]', '[7]', '[2]']);
    // The game is over: it takes no more moves.
    await expect(play('play.move', { gameId: s.gameId, action: '[3]' })).rejects.toThrow(/No open game/);
    // The record goes with the run.
    await service.handle('runs.delete', { runId });
    expect(service.store.play.records(runId)).toEqual([]);
  });

  it('lets the agent open when the person sits second, and stores a loss as a loss', async () => {
    const runId = gameRun('spiral-tictactoe-smoke', agentState(28, [0, 0, 9, 0, 8, 0, 7, 0, 0]));
    let s: State = await play('play.start', { runId, iteration: 0, game: 'tictactoe', seat: 1, choice: 'greedy' });
    expect(s.view.moves).toEqual([{ seat: 0, action: '[2]' }]);
    expect(s.toMove).toBe(1);
    s = await play('play.move', { gameId: s.gameId, action: '[0]' });
    s = await play('play.move', { gameId: s.gameId, action: '[1]' });
    // The agent played 2, 4, 6: the anti-diagonal.
    expect(s.outcome).toBe('loss');
    expect((await play('play.results', { runId })).records).toEqual([{ iteration: 0, game: 'tictactoe', games: 1, win: 0, loss: 1, draw: 0 }]);
  });

  it('refuses an illegal move naming the legal ones, and leaves the game as it was', async () => {
    const runId = gameRun('spiral-tictactoe-smoke', agentState(28, [0, 1, 2, 3, 4, 5, 6, 7, 8]));
    const s: State = await play('play.start', { runId, iteration: 1, game: 'tictactoe', seat: 0, choice: 'greedy' });
    const after = await play('play.move', { gameId: s.gameId, action: '[4]' });
    await expect(play('play.move', { gameId: s.gameId, action: '[4]' })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('Legal moves: [0], [1], [2], [3], [5], [6], [7]'),
      issues: [{ path: 'action' }],
    });
    await expect(play('play.move', { gameId: s.gameId, action: 'bet' })).rejects.toThrow(/"bet" is not a legal move now/);
    const again = await play('play.move', { gameId: s.gameId, action: '[0]' });
    expect(again.view.moves).toHaveLength(after.view.moves.length + 2);
  });

  it("hides the agent's Kuhn Poker card until its round is over, and plays the match to its end", async () => {
    const runId = gameRun('spiral-kuhn-poker-smoke', agentState(7, [0, 1, 0, 1]));
    let s: State = await play('play.start', { runId, iteration: 1, game: 'kuhn-poker', seat: 0, choice: 'sampled' });
    let checked = 0;
    while (s.outcome === null) {
      if (s.view.kind !== 'kuhn-poker') throw new Error('not a Kuhn Poker view');
      const current = s.view.rounds.at(-1)!;
      expect(current.cards[0]).not.toBeNull();
      expect(current.cards[1]).toBeNull();
      for (const done of s.view.rounds.slice(0, -1)) expect(done.cards[1]).not.toBeNull();
      checked++;
      s = await play('play.move', { gameId: s.gameId, action: s.legal[0]! });
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(s.rounds).toBe(5);
    if (s.view.kind !== 'kuhn-poker') throw new Error('not a Kuhn Poker view');
    expect(s.view.rounds).toHaveLength(5);
    expect(s.view.rounds.every((r) => r.cards.every((c) => c !== null))).toBe(true);
    const [record] = (await play('play.results', { runId })).records;
    expect(record).toMatchObject({ iteration: 1, game: 'kuhn-poker', games: 1 });
    expect(record!.win + record!.loss + record!.draw).toBe(1);
  });

  it('refuses malformed and hostile requests with the field and the fix', async () => {
    const runId = gameRun('spiral-tictactoe-smoke', agentState(28, [0, 1, 2, 3, 4, 5, 6, 7, 8]));
    const start = { runId, iteration: 1, game: 'tictactoe', seat: 0 };
    await expect(play('play.start', { ...start, iteration: 7 })).rejects.toMatchObject({
      issues: [{ path: 'iteration', message: 'must be a kept checkpoint: 0, 1' }],
    });
    await expect(play('play.start', { ...start, game: 'kuhn-poker' })).rejects.toMatchObject({ issues: [{ path: 'game' }] });
    await expect(play('play.start', { ...start, game: 'negotiation' })).rejects.toMatchObject({ code: 'invalid_request', issues: [{ path: 'game' }] });
    await expect(play('play.start', { ...start, seat: 2 })).rejects.toMatchObject({ issues: [{ path: 'seat' }] });
    await expect(play('play.start', { ...start, weights: 'mine' })).rejects.toMatchObject({ issues: [{ path: '(root)' }] });
    await expect(play('play.start', { ...start, runId: 'nope' })).rejects.toMatchObject({ code: 'unknown_run' });
    await expect(play('play.move', { gameId: 'x'.repeat(65), action: '[0]' })).rejects.toMatchObject({ issues: [{ path: 'gameId' }] });
    await expect(play('play.move', { gameId: 'made-up', action: '[0]' })).rejects.toMatchObject({ issues: [{ path: 'gameId' }] });
    await expect(play('play.results', { runId: 'nope' })).rejects.toMatchObject({ code: 'unknown_run' });
  });
});
