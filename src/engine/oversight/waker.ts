/**
 * How a run waits for a person: it polls the workspace (a decision may come from another process) and can be
 * woken at once when one arrives through this engine. Used by governed and archive runs alike.
 */
export class Waker {
  private wake: (() => void) | null = null;

  /** Resolves after `ms`, or as soon as poke() is called. */
  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  poke(): void {
    this.wake?.();
  }
}

/** How often a waiting loop looks for decisions made in another process. */
export const POLL_MS = 250;
