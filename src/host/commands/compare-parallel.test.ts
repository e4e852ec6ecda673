import { describe, expect, it } from 'vitest';
import { nextSlot } from './compare-parallel';

interface TestSlot {
  seed: number;
  index: number;
  waiting: boolean;
}

/** Three seeds of a four-way comparison; `started` lists the runs already running or done, as seed:index. */
function slots(started: string[]): TestSlot[] {
  return [1, 2, 3].flatMap((seed) => [0, 1, 2, 3].map((index) => ({ seed, index, waiting: !started.includes(`${seed}:${index}`) })));
}

describe('the order in which side-by-side comparison runs start', () => {
  it('starts a waiting warm-up before any branch run where later strategies branch, then branch runs in seed order', () => {
    // Seeds 1 and 2 warm up; n0 of seed 1 is stored, so its branch runs may start, but seed 3's warm-up goes first.
    const rooted = new Set([1]);
    const mayStart = (s: TestSlot) => s.waiting && (s.index === 0 || rooted.has(s.seed));
    const order: string[] = [];
    const take = () => {
      const s = nextSlot(slots(['1:0', '2:0', ...order]), mayStart, true);
      if (s) order.push(`${s.seed}:${s.index}`);
      return s;
    };
    take();
    take();
    expect(order).toEqual(['3:0', '1:1']);
    // Seed 3's n0 comes before seed 2's: seed 1's runs still go first, then seed 3's, and seed 2's wait for its n0.
    rooted.add(3);
    while (take());
    expect(order).toEqual(['3:0', '1:1', '1:2', '1:3', '3:1', '3:2', '3:3']);
    rooted.add(2);
    while (take());
    expect(order.slice(7)).toEqual(['2:1', '2:2', '2:3']);
  });

  it('keeps seed-then-strategy order where nothing waits (a game preset), and gives nothing when no run may start', () => {
    const all = slots(['1:0']);
    expect(nextSlot(all, (s) => s.waiting, false)).toMatchObject({ seed: 1, index: 1 });
    expect(nextSlot(all, (s) => s.waiting && s.seed === 2 && s.index === 2, true)).toMatchObject({ seed: 2, index: 2 });
    expect(nextSlot(all, () => false, true)).toBeUndefined();
  });
});
