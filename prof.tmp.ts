import { initBackend, tf } from './src/engine/tf';
import { createRng } from './src/engine/rng';
import { createTransformerPolicy } from './src/engine/policies/transformer';
import { likelihoodStep } from './src/engine/recipes/likelihood';
await initBackend('wasm');
const policy = createTransformerPolicy({ kind: 'transformer', dModel: 128, nLayers: 2, nHeads: 4, contextLength: 32, vocabSize: 16 }, createRng(1));
const rng = createRng(2);
const seqs = Array.from({ length: 32 }, () => [1, ...Array.from({ length: 31 }, () => 3 + rng.int(13))]);
const batch = { sequences: seqs, targetStart: seqs.map(() => 1) };
likelihoodStep(policy, batch, { learningRate: 1e-3, gradClip: 1 });
const info = await tf.profile(() => { likelihoodStep(policy, batch, { learningRate: 1e-3, gradClip: 1 }); });
const m = new Map<string, {n:number, ms:number}>();
info.kernels.forEach((k, i) => {
  if (!['Identity','Cast','Multiply','Add','Sum','Transpose','SplitV'].includes(k.name)) return;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)} prev=${info.kernels[i-1]?.name}`;
  const e = m.get(key) ?? {n:0, ms:0}; e.n++; e.ms += Number(k.kernelTimeMs); m.set(key, e);
});
console.log([...m].sort((a,b)=>b[1].ms-a[1].ms).slice(0,40).map(([k,v])=>`${v.ms.toFixed(1)} ${v.n} ${k}`).join('\n'));
