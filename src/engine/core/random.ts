// The engine's random source, as every part sees it (a leaf: rng.ts implements it).

/** A seeded, serialisable random source (see rng.ts). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  normal(): number;
  state(): number[];
  setState(state: number[]): void;
}
