export type StopSignalName = 'SIGINT' | 'SIGTERM';

/**
 * The terminal's off switch: the first SIGINT (Ctrl-C) or SIGTERM stops the run at its next step boundary and keeps
 * its last checkpoint, as the app's Stop does; a second one exits at once. Returns the detach function.
 */
export function onStopSignals(stop: (signal: StopSignalName) => void, exitNow: () => void): () => void {
  let count = 0;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      count++;
      if (count > 1) {
        exitNow();
        process.exit(signal === 'SIGTERM' ? 143 : 130);
      }
      stop(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => {
    for (const off of handlers) off();
  };
}
