/** Test helper: waits until the given moment, then opens (creating and migrating) the workspace and closes it. */
import { Store } from '../store';

const [workspace, at] = process.argv.slice(2);
const wait = Number(at) - Date.now();
setTimeout(
  () => {
    try {
      Store.open(workspace!).close();
      process.stdout.write('opened\n');
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? (process.env.EVOLAB_TEST_STACK ? error.stack : error.message) : String(error)}\n`);
      process.exit(1);
    }
  },
  Math.max(0, wait),
);
