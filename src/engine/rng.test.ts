import { describe, expect, it } from 'vitest';
import { createRng, fork, shuffle } from './rng';

describe('rng', () => {
  it('replays from its seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xa = Array.from({ length: 50 }, () => a.next());
    const xb = Array.from({ length: 50 }, () => b.next());
    const xc = Array.from({ length: 50 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(xa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('restores its state exactly, including a pending normal', () => {
    const r = createRng(3);
    r.normal();
    const saved = JSON.parse(JSON.stringify(r.state())) as number[];
    const after = [r.normal(), r.next(), r.int(10)];
    const s = createRng(999);
    s.setState(saved);
    expect([s.normal(), s.next(), s.int(10)]).toEqual(after);
  });

  it('has roughly uniform ints and standard normals', () => {
    const r = createRng(11);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[r.int(10)]++;
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(200);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 20000; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / 20000)).toBeLessThan(0.05);
    expect(Math.abs(sq / 20000 - 1)).toBeLessThan(0.05);
  });

  it('rejects bad arguments with a clear message', () => {
    expect(() => createRng(1).int(0)).toThrow(/positive integer/);
    expect(() => createRng(1).setState([1, 2])).toThrow(/4 or 5/);
  });

  it('forks independent, label-dependent streams and shuffles deterministically', () => {
    const x = fork(createRng(5), 'data').next();
    const y = fork(createRng(5), 'init').next();
    expect(x).not.toEqual(y);
    expect(shuffle(createRng(2), [1, 2, 3, 4, 5, 6])).toEqual(shuffle(createRng(2), [1, 2, 3, 4, 5, 6]));
  });
});
