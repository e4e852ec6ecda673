import { WebSocket, type WebSocketServer } from 'ws';
import { Frame } from '../shared/contract';
import { CodedError, fieldIssues } from '../shared/errors';
import { toErrorShape } from './serve-router';

type Route = (name: unknown, input: unknown) => Promise<unknown>;

/** JSON cannot carry typed arrays as arrays; series batches may be Float32Arrays. */
export function frameReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function encodeFrame(frame: Frame): string {
  return JSON.stringify(frame, frameReplacer);
}

/**
 * Answers one raw WebSocket message. Never throws: malformed frames get a coded 'invalid_request'
 * response (with id -1 when no id could be read), so a broken client cannot take the bridge down.
 */
export async function answerMessage(raw: string, route: Route): Promise<Frame | null> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return errorFrame(-1, new CodedError('invalid_request', 'The message is not JSON; send one JSON Frame per message.'));
  }
  const id = readId(data);
  const parsed = Frame.safeParse(data);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    return errorFrame(
      id,
      new CodedError('invalid_request', 'The message is not a valid Frame; send {"type":"request","id":<integer>,"name":"<request>","input":{...}}.', issues),
    );
  }
  const frame = parsed.data;
  if (frame.type !== 'request') {
    return errorFrame(
      id,
      new CodedError('invalid_request', `Clients send only request frames, not "${frame.type}".`, [{ path: 'type', message: 'must be "request"' }]),
    );
  }
  try {
    const output = await route(frame.name, frame.input);
    return { type: 'response', id: frame.id, ok: true, output };
  } catch (error) {
    return { type: 'response', id: frame.id, ok: false, error: toErrorShape(error) };
  }
}

function readId(data: unknown): number {
  if (typeof data === 'object' && data !== null && 'id' in data && Number.isInteger(data.id)) return data.id as number;
  return -1;
}

function errorFrame(id: number, error: CodedError): Frame {
  return { type: 'response', id, ok: false, error: error.toJSON() };
}

/** How long a client whose frame was malformed may take to answer the server's close frame. */
const CLOSE_GRACE_MS = 2000;

/** Wires every client to the router, and broadcasts every engine event (engine.status included) to all of them. */
export function attachBridge(server: WebSocketServer, route: Route, onEvent: (listener: (name: string, payload: unknown) => void) => () => void): () => void {
  server.on('connection', (socket) => {
    // A malformed frame (unmasked, oversized, bad opcode, RSV bits, bad UTF-8) makes ws send the close code RFC 6455
    // asks for (1002, 1007, 1009) and then emit 'error'; unhandled, that event would end the whole host. This
    // client alone is dropped: it gets a moment to answer the close, then its connection goes.
    socket.on('error', () => {
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    });
    socket.on('message', (data, isBinary) => {
      const raw = isBinary ? '' : data.toString();
      void answerMessage(raw, route).then((frame) => {
        if (frame && socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(frame));
      });
    });
  });
  return onEvent((name, payload) => {
    const text = encodeFrame({ type: 'event', name, payload });
    for (const client of server.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(text);
    }
  });
}
