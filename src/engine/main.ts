/**
 * The engine entry. Forked by the host (`node --import tsx src/engine/main.ts --workspace DIR`) or started as an
 * Electron utility process; it picks the transport that its parent offers and serves the contract on it.
 */
import './esm-compat';
import { parseArgs } from 'node:util';
import { EngineService } from './service';
import { childProcessTransport, parentPortTransport, serveEngine, type ParentPortLike, type Transport } from './transport';

function pickTransport(): Transport {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) return parentPortTransport(parentPort);
  if (process.send) return childProcessTransport();
  throw new Error('The engine must be started by Evolab (a utility process or a forked child with an IPC channel).');
}

function workspaceFromArgs(): string {
  const { values } = parseArgs({ options: { workspace: { type: 'string' } }, strict: false, allowPositionals: true });
  const workspace = typeof values.workspace === 'string' ? values.workspace : process.env.EVOLAB_WORKSPACE;
  if (!workspace) throw new Error('No workspace: pass --workspace DIR or set EVOLAB_WORKSPACE.');
  return workspace;
}

function main(): void {
  const transport = pickTransport();
  const service = new EngineService({
    workspace: workspaceFromArgs(),
    emit: (name, payload) => transport.send({ type: 'event', name, payload }),
  });
  serveEngine(transport, service);
  // Opening the workspace now marks runs a previous engine left live as interrupted before anyone lists them.
  try {
    void service.store;
  } catch (error) {
    transport.send({ type: 'event', name: 'run.log', payload: { level: 'error', message: error instanceof Error ? error.message : String(error) } });
  }
  // The parent went away: nobody can reach the off switch any more, so stop the run and leave.
  process.on('disconnect', () => {
    void service.close().finally(() => process.exit(0));
  });
}

main();
