import { initBackend, tf } from '../src/engine/tf';
import { createRng } from '../src/engine/rng';
import { createTransformerPolicy } from '../src/engine/policies/transformer';
await initBackend('wasm');
const width = Number(process.argv[2] ?? 64);
const policy = createTransformerPolicy({ kind: 'transformer', dModel: width, nLayers: 2, nHeads: 4, contextLength: 32, vocabSize: 16 }, createRng(1));
const rng = createRng(2);
const seqs = Array.from({ length: 32 }, () => [1, ...Array.from({ length: 31 }, () => 3 + rng.int(13))]);
const batch = { sequences: seqs, targetStart: seqs.map(() => 1) };
for (let i = 0; i < 3; i++) policy.trainStep(batch, { learningRate: 1e-3, gradClip: 1 });
const info = await tf.profile(() => { policy.trainStep(batch, { learningRate: 1e-3, gradClip: 1 }); });
const agg = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const key = k.name + ' ' + JSON.stringify(k.inputShapes);
  const e = agg.get(key) ?? { ms: 0, n: 0 };
  e.ms += Number(k.kernelTimeMs); e.n++;
  agg.set(key, e);
}
const total = info.kernels.reduce((s, k) => s + Number(k.kernelTimeMs), 0);
console.log('kernels', info.kernels.length, 'total ms', total.toFixed(1));
const byName = new Map<string, number>();
for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + Number(k.kernelTimeMs));
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join('\n'));
console.log('---');
console.log([...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15).map(([k, e]) => `${e.ms.toFixed(1)} x${e.n} ${k}`).join('\n'));
const t = performance.now(); for (let i = 0; i < 5; i++) policy.trainStep(batch, { learningRate: 1e-3, gradClip: 1 }); console.log('step ms', ((performance.now() - t) / 5).toFixed(1));
