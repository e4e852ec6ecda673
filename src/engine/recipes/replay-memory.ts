/**
 * A class-stream learner's memory of examples (the `replay` knob of its config): the most recent training examples,
 * at most `capacity`, each with the label it had when it was seen. Every update also trains on the next minibatch of
 * them, taken in turn (oldest first, wrapping), so no random draw is spent and the stream's shuffles stay those of a
 * run without it. It holds indices into the training split, not the features: a checkpoint stays small. Under concept
 * shift a remembered label may be stale: that is part of what a proposal to change the memory is judged on.
 */
export interface ReplayState {
  indices: number[];
  labels: number[];
  /** Where the next replayed minibatch starts. */
  cursor: number;
}

export const emptyReplay = (): ReplayState => ({ indices: [], labels: [], cursor: 0 });

export class ReplayMemory {
  private state: ReplayState;

  constructor(
    private readonly capacity: number,
    state: ReplayState = emptyReplay(),
  ) {
    if (!Array.isArray(state.indices) || !Array.isArray(state.labels) || state.indices.length !== state.labels.length)
      throw new Error('the replay memory in this checkpoint is malformed (its indices and labels differ in length)');
    // A smaller capacity than the state's (the knob was lowered) keeps the most recent examples.
    const drop = Math.max(0, state.indices.length - capacity);
    const kept = state.indices.length - drop;
    this.state = { indices: state.indices.slice(drop), labels: state.labels.slice(drop), cursor: kept === 0 ? 0 : Math.max(0, state.cursor - drop) % kept };
  }

  get size(): number {
    return this.state.indices.length;
  }

  /** The next `n` remembered examples in turn (all of them when it holds fewer; none when empty or off). */
  next(n: number): { indices: number[]; labels: number[] } {
    const size = this.size;
    const take = Math.min(n, size);
    const indices: number[] = [];
    const labels: number[] = [];
    for (let k = 0; k < take; k++) {
      const i = (this.state.cursor + k) % size;
      indices.push(this.state.indices[i]!);
      labels.push(this.state.labels[i]!);
    }
    if (size > 0) this.state.cursor = (this.state.cursor + take) % size;
    return { indices, labels };
  }

  /** Adds the examples just trained on; the oldest leave once it is full. */
  remember(indices: number[], labels: ArrayLike<number>): void {
    if (this.capacity === 0) return;
    this.state.indices.push(...indices);
    this.state.labels.push(...Array.from(labels));
    const drop = this.state.indices.length - this.capacity;
    if (drop > 0) {
      this.state.indices.splice(0, drop);
      this.state.labels.splice(0, drop);
      this.state.cursor = this.size === 0 ? 0 : Math.max(0, this.state.cursor - drop) % this.size;
    }
  }

  getState(): ReplayState {
    return { indices: [...this.state.indices], labels: [...this.state.labels], cursor: this.state.cursor };
  }
}
