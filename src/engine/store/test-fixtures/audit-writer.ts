/**
 * A writer for the store's crash tests: opens the workspace and, in a tight loop, appends audit entries and
 * decides proposals, printing `seq <n>` after each committed append and `decided <id>` after each decision.
 * Usage: node --import tsx audit-writer.ts <workspace> <run-id> append|decide [proposal-id]
 * `decide` waits for "go" on stdin so that two writers can be released together.
 */
import { CodedError } from '../../../shared/errors';
import { Store } from '../store';
import { insertHeld } from './oversight-fixture';

const [workspace, runId, mode, proposalId] = process.argv.slice(2);
if (!workspace || !runId || !mode) throw new Error('usage: audit-writer.ts <workspace> <run-id> append|decide [proposal-id]');
const store = Store.open(workspace);
const write = (line: string) => process.stdout.write(`${line}\n`);

if (mode === 'append') {
  for (let i = 0; ; i++) {
    // A large detail makes each commit take long enough that a kill lands mid-write some of the time.
    const entry = store.oversight.append({ runId, actor: 'engine', action: 'applied', reason: `entry ${i}`, detail: { i, pad: 'x'.repeat(4096) } });
    write(`seq ${entry.seq}`);
    if (i % 5 === 4) {
      const p = insertHeld(store, runId, { iteration: i });
      store.oversight.decide(p.id, i % 2 === 0 ? 'approve' : 'reject', 'person:writer', i % 2 === 0 ? null : 'loop');
      write(`decided ${p.id}`);
    }
  }
} else if (mode === 'decide') {
  if (!proposalId) throw new Error('decide needs a proposal id');
  process.stdin.once('data', () => {
    try {
      store.oversight.decide(proposalId, 'approve', `person:writer-${process.pid}`, null);
      write('won');
    } catch (error) {
      write(error instanceof CodedError ? `lost ${error.code}` : `error ${String(error)}`);
    }
    store.close();
    process.exit(0);
  });
  write('ready');
} else throw new Error(`unknown mode ${mode}`);
