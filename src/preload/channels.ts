/** IPC channel names shared by main and the preload; nothing else may name a channel. */
export const REQUEST_CHANNEL = 'evolab:request';
export const EVENT_CHANNEL = 'evolab:event';
export const PORT_CHANNEL = 'evolab:port';
