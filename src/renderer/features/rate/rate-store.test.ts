import { beforeEach, describe, expect, it } from 'vitest';
import type { RatingPair } from '../../../shared/ratings';
import { CodedError } from '../../../shared/errors';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { choiceForKey, rateActions, rateStore, selectCurrent } from './rate-store';

const pair = (runId: string, iteration: number, index: number): RatingPair => ({
  id: `${runId}-i${iteration}-${index}`,
  runId,
  iteration,
  index,
  prompt: `q${index}:`,
  a: 'rock',
  b: 'paper',
  status: 'waiting',
  choice: null,
  chosenBy: null,
  chosenAt: null,
  createdAt: `2026-01-01T00:00:0${index}Z`,
});

let bridge: FakeBridge;
let waiting: RatingPair[];

beforeEach(() => {
  rateActions.reset();
  waiting = [pair('r1', 1, 0), pair('r1', 1, 1), pair('r2', 3, 0)];
  bridge = new FakeBridge()
    .on('ratings.list', () => ({
      waiting,
      counts: [...new Set(waiting.map((p) => p.runId))].map((runId) => ({ runId, waiting: waiting.filter((p) => p.runId === runId).length })),
    }))
    .on('runs.list', () => [])
    .on('ratings.summary', () => ({ iterations: [] }))
    .on('ratings.choose', ({ id, choice }) => {
      const p = waiting.find((x) => x.id === id);
      if (!p) throw new CodedError('already_decided', `Pair ${id} was already rated a by person:bob; a choice is final.`);
      waiting = waiting.filter((x) => x.id !== id);
      return { ...p, status: 'rated', choice, chosenBy: 'person:ada', chosenAt: 'now' };
    });
  setBridge(bridge);
});

describe('the Rate page store', () => {
  it('maps 1 / 2 / S to A, B and skip, and ignores modified keys and keys typed into a field', () => {
    const key = (k: string, mods: Partial<KeyboardEvent> = {}) => choiceForKey({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });
    expect([key('1'), key('2'), key('s'), key('S')]).toEqual(['a', 'b', 'skip', 'skip']);
    expect([key('3'), key('a'), key('Enter')]).toEqual([null, null, null]);
    // Ctrl+Shift+S is the off switch's stop, never a skip.
    expect(key('S', { ctrlKey: true, shiftKey: true })).toBeNull();
    expect(choiceForKey({ key: '1', ctrlKey: false, metaKey: false, altKey: false }, { tagName: 'INPUT' } as unknown as EventTarget)).toBeNull();
  });

  it('counts what waits per run and in all, shows the oldest pair of the page’s run', async () => {
    await rateActions.open(null);
    let s = rateStore.getState();
    expect(s.total).toBe(3);
    expect(s.counts).toEqual([
      { runId: 'r1', waiting: 2 },
      { runId: 'r2', waiting: 1 },
    ]);
    expect(selectCurrent(s)?.id).toBe('r1-i1-0');
    await rateActions.open('r2');
    s = rateStore.getState();
    expect(selectCurrent(s)?.id).toBe('r2-i3-0');
    expect(s.summaryRun).toBe('r2');
  });

  it('sends one choice per press, moves to the next pair, and shows a refusal beside the pair', async () => {
    await rateActions.open('r1');
    const current = selectCurrent(rateStore.getState())!;
    const [first, second] = await Promise.all([rateActions.choose(current, 'b'), rateActions.choose(current, 'a')]);
    expect([first, second]).toEqual([true, false]);
    expect(bridge.calls.filter((c) => c.name === 'ratings.choose').map((c) => c.input)).toEqual([{ id: 'r1-i1-0', choice: 'b' }]);
    expect(selectCurrent(rateStore.getState())?.id).toBe('r1-i1-1');
    expect(rateStore.getState().total).toBe(2);

    // A pair someone else rated first: the refusal is shown and the list re-read.
    expect(await rateActions.choose(current, 'a')).toBe(false);
    expect(rateStore.getState().chooseError).toMatch(/already rated a by person:bob/);
  });
});
