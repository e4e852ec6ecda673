import { createStore } from 'zustand/vanilla';
import type { EventPayload } from '../../shared/contract';

/** Transport and engine health, shown as a banner whenever something is not ready. */
export type TransportState = 'connecting' | 'open' | 'closed';
export type EngineState = EventPayload<'engine.status'>['state'] | 'unknown';

export interface ConnectionState {
  transport: TransportState;
  retryInMs: number | null;
  engine: EngineState;
  engineReason: string | null;
  /** The page's URL (or this tab's memory of it) carries the host's access token; false: the host refuses the page's socket. */
  hasToken: boolean;
  /** The socket has been open at least once since the page loaded. */
  everOpened: boolean;
}

export const connectionStore = createStore<ConnectionState>(() => ({
  transport: 'connecting',
  retryInMs: null,
  engine: 'unknown',
  engineReason: null,
  hasToken: true,
  everOpened: false,
}));

export const connectionActions = {
  transport(transport: TransportState, retryInMs: number | null = null): void {
    connectionStore.setState((s) => ({ transport, retryInMs, everOpened: s.everOpened || transport === 'open' }));
  },
  token(present: boolean): void {
    connectionStore.setState({ hasToken: present });
  },
  engine(payload: EventPayload<'engine.status'>): void {
    connectionStore.setState({ engine: payload.state, engineReason: payload.reason ?? null });
  },
};

/** The banner text, or null when everything is fine. */
export function selectBanner(s: ConnectionState): string | null {
  if (s.transport !== 'open' && !s.hasToken)
    return 'This page was opened without its access token, so the host refuses it. Open the exact URL that `evolab serve` printed (it ends with ?token=…).';
  if (s.transport === 'closed' && !s.everOpened) {
    const retry = s.retryInMs === null ? '' : ` Retrying in ${Math.ceil(s.retryInMs / 1000)} s.`;
    return `The Evolab host did not accept this page.${retry} If \`evolab serve\` was restarted, it printed a new URL with a new token: open that one. If it is not running, start it.`;
  }
  if (s.transport === 'closed') {
    const retry = s.retryInMs === null ? '' : ` Reconnecting in ${Math.ceil(s.retryInMs / 1000)} s.`;
    return `Disconnected from the Evolab host.${retry} If it stopped, start it again with \`evolab serve\` and reload this page.`;
  }
  if (s.transport === 'connecting') return 'Connecting to the Evolab host…';
  if (s.engine === 'killed')
    return `Engine killed${s.engineReason ? ` (${s.engineReason})` : ''}. Runs it held are interrupted; it restarts on the next request, and Resume continues a run from its last checkpoint.`;
  if (s.engine === 'crashed')
    return `Engine crashed${s.engineReason ? `: ${s.engineReason}` : ''}. Runs it held are interrupted; Resume continues them from their last checkpoint.`;
  if (s.engine === 'exited') return `Engine exited${s.engineReason ? `: ${s.engineReason}` : ''}.`;
  if (s.engine === 'starting') return 'Engine starting…';
  return null;
}
