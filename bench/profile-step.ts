/**
 * Where a training step's time goes, by kernel: `node --import tsx bench/profile-step.ts [width]`.
 * Best of six profiled steps per kernel group (the machine may be shared), with how many kernels of each a step
 * dispatches; "forward" is the custom-gradient matmul wrapper and overlaps the BatchMatMul rows. Then the median
 * wall time of unprofiled steps, the number to compare before and after a change.
 */
import { initBackend, tf } from '../src/engine/tf';
import { createRng } from '../src/engine/rng';
import { createTransformerPolicy } from '../src/engine/policies/transformer';
import { likelihoodStep } from '../src/engine/recipes/likelihood';
await initBackend('wasm');
const width = Number(process.argv[2] ?? 64);
if (!Number.isInteger(width) || width < 8 || width % 4 !== 0) throw new Error('width must be an integer >= 8 divisible by 4 (the 4 heads)');
const policy = createTransformerPolicy({ kind: 'transformer', dModel: width, nLayers: 2, nHeads: 4, contextLength: 32, vocabSize: 16 }, createRng(1));
const rng = createRng(2);
const seqs = Array.from({ length: 32 }, () => [1, ...Array.from({ length: 31 }, () => 3 + rng.int(13))]);
const batch = { sequences: seqs, targetStart: seqs.map(() => 1) };
for (let i = 0; i < 3; i++) likelihoodStep(policy, batch, { learningRate: 1e-3, gradClip: 1 });
const best = new Map<string, number>();
const counts = new Map<string, number>();
let bestTotal = Infinity;
let count = 0;
for (let r = 0; r < 6; r++) {
  const info = await tf.profile(() => {
    likelihoodStep(policy, batch, { learningRate: 1e-3, gradClip: 1 });
  });
  count = info.kernels.length;
  const agg = new Map<string, number>();
  for (const k of info.kernels) {
    const key = k.name === 'BatchMatMul' ? `BMM ${k.inputShapes[0]?.length === 3 ? 'attn' : 'dense'}` : k.name;
    agg.set(key, (agg.get(key) ?? 0) + Number(k.kernelTimeMs));
    if (r === 0) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let tot = 0;
  for (const [k, v] of agg) {
    tot += v;
    best.set(k, Math.min(best.get(k) ?? Infinity, v));
  }
  bestTotal = Math.min(bestTotal, tot);
}
console.log('kernels', count, 'best total', bestTotal.toFixed(1));
console.log(
  [...best]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([n, ms]) => `${n} ${ms.toFixed(1)} ms (${counts.get(n) ?? 0} kernels)`)
    .join('\n'),
);
const walls: number[] = [];
for (let r = 0; r < 15; r++) {
  const t = performance.now();
  likelihoodStep(policy, batch, { learningRate: 1e-3, gradClip: 1 });
  walls.push(performance.now() - t);
}
walls.sort((a, b) => a - b);
console.log(`step wall ms: median ${walls[7]!.toFixed(1)}, best ${walls[0]!.toFixed(1)} (15 unprofiled steps)`);
