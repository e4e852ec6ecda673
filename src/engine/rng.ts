import type { Rng } from './core/random';

/**
 * A small seeded PRNG: sfc32 seeded through splitmix32. Every random choice in the engine (weight init, sampling,
 * data) goes through one of these, so a run replays exactly from its seed. The state is four uint32 words plus the
 * cached second normal draw, so it round-trips through JSON.
 */
class Sfc32 implements Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** Box-Muller yields normals in pairs; the spare is part of the state so setState replays exactly. */
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${String(seed)}`);
    let s = Math.trunc(seed) >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    // Discard the first outputs: sfc32 mixes poorly in its first few rounds.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  next(): number {
    // 53 bits from two draws, so values near 1 are representable and 0 is possible but 1 is not.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) {
      throw new Error(`rng.int(maxExclusive) needs a positive integer, got ${String(maxExclusive)}`);
    }
    return Math.floor(this.next() * maxExclusive);
  }

  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  state(): number[] {
    return this.spare === null ? [this.a, this.b, this.c, this.d] : [this.a, this.b, this.c, this.d, this.spare];
  }

  setState(state: number[]): void {
    if (!Array.isArray(state) || (state.length !== 4 && state.length !== 5) || state.some((x) => !Number.isFinite(x))) {
      throw new Error('rng state must be the 4 or 5 finite numbers returned by state()');
    }
    this.a = state[0] >>> 0;
    this.b = state[1] >>> 0;
    this.c = state[2] >>> 0;
    this.d = state[3] >>> 0;
    this.spare = state.length === 5 ? state[4] : null;
  }
}

export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}

/** A new independent stream derived from `rng`'s next draw and a label (FNV-1a), leaving `rng` advanced by one draw. */
export function fork(rng: Rng, label: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  const base = Math.floor(rng.next() * 4294967296) >>> 0;
  return new Sfc32((base ^ h) >>> 0);
}

/** Shuffles `items` in place (Fisher-Yates) with `rng` and returns it. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}
