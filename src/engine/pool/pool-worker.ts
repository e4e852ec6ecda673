/**
 * The entry of one pool worker (worker-pool.ts): it brings up its own TF.js backend through tf.ts, builds the run's
 * model, and answers the host's requests (protocol.ts) on its MessageChannel port, signalling each answer on the
 * shared Int32Array the host blocks on. It holds nothing but the last weights the host sent.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { createTransformerPolicy } from '../policies/transformer';
import { grpoLoss } from '../recipes/grpo';
import { likelihoodSum } from '../recipes/likelihood';
import { pairLoss } from '../recipes/pair-loss';
import { createRng } from '../rng';
import { initBackend, tf } from '../tf';
import type { Policy } from '../types';
import { isRequest, type PoolReply, type PoolRequest } from './protocol';

const { init, port } = workerData as { init: Extract<PoolRequest, { type: 'init' }>; port: MessagePort };
const signal = new Int32Array(init.signal);

function reply(message: PoolReply, transfer: ArrayBuffer[] = []): void {
  // The message is queued before the signal is raised, so the host's receiveMessageOnPort finds it.
  port.postMessage(message, transfer);
  Atomics.store(signal, init.slot, 1);
  Atomics.notify(signal, init.slot);
}

function fail(id: number | null, e: unknown): void {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'internal';
  reply({ type: 'error', id, code, message: e instanceof Error ? e.message : String(e) });
}

let policy: Policy | null = null;
let version = -1;
/** Why the last weights could not be taken: said in the answer to the next request, which then fails. */
let weightsFailure: string | null = null;

function setWeights(names: string[], data: Float32Array): void {
  const vars = policy!.trainable.variables;
  let offset = 0;
  for (const name of names) {
    const v = vars[name];
    if (!v) throw new Error(`the host sent weight "${name}", which this worker's model does not have`);
    tf.tidy(() => v.assign(tf.tensor(data.subarray(offset, offset + v.size), v.shape)));
    offset += v.size;
  }
  if (offset !== data.length) throw new Error(`the host sent ${data.length} weight values, the model has ${offset}`);
}

function handle(m: PoolRequest, names: string[]): void {
  if (m.type === 'weights') {
    // A weights message has no answer of its own (the host does not wait for one): a failure is told next time.
    try {
      version = -1;
      setWeights(m.names, m.data);
      names.splice(0, names.length, ...m.names);
      version = m.version;
      weightsFailure = null;
    } catch (e) {
      weightsFailure = e instanceof Error ? e.message : String(e);
    }
    return;
  }
  if (m.type === 'init') throw new Error('init twice');
  if (m.version !== version)
    throw new Error(`request ${m.id} names weights version ${m.version}, this worker has ${version}${weightsFailure ? ` (${weightsFailure})` : ''}`);
  const p = policy!;
  if (m.type === 'grad') {
    const prepared = p.prepare(m.loss.batch);
    const vars = names.map((n) => p.trainable.variables[n]!);
    const spec = m.loss;
    // GRPO's loss is a token mean over the shard: times the shard's count it is the shard's sum, as the host adds;
    // a pair loss times its scale is the shard's share of the whole batch's loss.
    const ntok = Math.max(prepared.tokens, 1);
    const kept: Record<string, tf.Tensor> = {};
    const out = tf.tidy(() => {
      const loss = (): tf.Scalar => {
        if (spec.kind === 'likelihood') return likelihoodSum(p, prepared, (nll) => (kept.nll = tf.keep(nll)));
        if (spec.kind === 'grpo')
          return tf.mul(
            grpoLoss(p, prepared, spec.clipEpsilon, spec.klBeta, (name, t) => (kept[name] = tf.keep(tf.mul(t, ntok)))),
            ntok,
          );
        return tf.mul(
          pairLoss(p, prepared, spec.loss, (name, t) => (kept[name] = tf.keep(tf.mul(t, spec.scale)))),
          spec.scale,
        );
      };
      const { value, grads } = tf.variableGrads(loss, vars);
      return { value, flat: tf.concat(vars.map((v) => tf.reshape(grads[v.name]!, [-1]))) };
    });
    const grads = new Float32Array(out.flat.dataSync() as Float32Array);
    const loss = out.value.dataSync()[0]!;
    const aux: Record<string, number> = {};
    for (const [name, t] of Object.entries(kept)) {
      aux[name] = t.dataSync()[0]!;
      t.dispose();
    }
    out.value.dispose();
    out.flat.dispose();
    reply({ type: 'grad', id: m.id, loss, tokens: prepared.tokens, grads, aux }, [grads.buffer]);
    return;
  }
  const rng = createRng(m.seed ?? 0);
  const result = p.sample(m.prompts, { maxNewTokens: m.maxNewTokens, temperature: m.seed === null ? 0 : m.temperature, topK: m.topK, rng });
  reply({ type: 'sample', id: m.id, tokens: result.tokens, logProbs: result.logProbs });
}

async function main(): Promise<void> {
  try {
    const report = await initBackend(init.backend);
    policy = createTransformerPolicy(init.policy, createRng(0));
    const names: string[] = [];
    port.on('message', (m: unknown) => {
      if (!isRequest(m)) return fail(null, new Error('a message that is no pool request'));
      try {
        handle(m, names);
      } catch (e) {
        fail('id' in m ? m.id : null, e);
      }
    });
    reply({ type: 'ready', backend: `${report.active} (${report.details})` });
  } catch (e) {
    fail(null, e);
  }
}

void main();
