/**
 * @vit/einops against hand-written tfjs, side by side in one process, per backend.
 *   node --import tsx bench/einops.ts [--backend wasm,cpu] [--quick]
 * Prints a Markdown table and writes bench/results/einops-<backend>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { einsum, rearrange, reduce, repeat } from '@vit/einops';
import { compare, fmt, type Stats } from './lib/timing.js';

interface Workload {
  name: string;
  /** Tensors are made once per backend and kept alive (weights-like, as in a model). */
  inputs: () => tf.Tensor[];
  ours: (xs: tf.Tensor[]) => tf.Tensor;
  /** Hand-written equivalents; the best (lowest median) is what we compare with. */
  handWritten: Record<string, (xs: tf.Tensor[]) => tf.Tensor>;
  /** Specialised kernels doing the same job differently (shown for context, not compared). */
  context?: Record<string, (xs: tf.Tensor[]) => tf.Tensor>;
  small: boolean;
  skipOn?: string[];
}

const WORKLOADS: Workload[] = [
  {
    name: "rearrange 'b c h w -> b h w c' [2,3,8,8]", small: true,
    inputs: () => [tf.randomNormal([2, 3, 8, 8])],
    ours: ([x]) => rearrange(x!, 'b c h w -> b h w c'),
    handWritten: { transpose: ([x]) => tf.transpose(x!, [0, 2, 3, 1]) },
  },
  {
    name: "rearrange patches 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)' [8,3,224,224]", small: false,
    inputs: () => [tf.randomNormal([8, 3, 224, 224])],
    ours: ([x]) => rearrange(x!, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: 16, p2: 16 }),
    handWritten: {
      'reshape+transpose': ([x]) => tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x!, [8, 3, 14, 16, 14, 16]), [0, 2, 4, 3, 5, 1]), [8, 196, 768])),
    },
  },
  {
    name: "reduce 'b n d -> b d' mean [2,5,8]", small: true,
    inputs: () => [tf.randomNormal([2, 5, 8])],
    ours: ([x]) => reduce(x!, 'b n d -> b d', 'mean'),
    handWritten: { mean: ([x]) => tf.mean(x!, 1) },
  },
  {
    name: "reduce 'b n d -> b d' mean [8,197,768]", small: false,
    inputs: () => [tf.randomNormal([8, 197, 768])],
    ours: ([x]) => reduce(x!, 'b n d -> b d', 'mean'),
    handWritten: { mean: ([x]) => tf.mean(x!, 1) },
  },
  {
    name: "reduce 'b c (h 2) (w 2) -> b c h w' max [8,64,56,56]", small: false,
    inputs: () => [tf.randomNormal([8, 64, 56, 56])],
    ours: ([x]) => reduce(x!, 'b c (h 2) (w 2) -> b c h w', 'max'),
    handWritten: {
      'reshape+max': ([x]) => tf.tidy(() => tf.max(tf.reshape(x!, [8, 64, 28, 2, 28, 2]), [3, 5])),
    },
    context: {
      maxPool: ([x]) => tf.tidy(() => tf.transpose(tf.maxPool(tf.transpose(x!, [0, 2, 3, 1]) as tf.Tensor4D, 2, 2, 'valid'), [0, 3, 1, 2])),
    },
  },
  {
    name: "repeat '1 n d -> b n d' [1,1,8] b=2", small: true,
    inputs: () => [tf.randomNormal([1, 1, 8])],
    ours: ([x]) => repeat(x!, '1 n d -> b n d', { b: 2 }),
    handWritten: { tile: ([x]) => tf.tile(x!, [2, 1, 1]) },
  },
  {
    name: "repeat 'n d -> b n d' [197,768] b=8", small: false,
    inputs: () => [tf.randomNormal([197, 768])],
    ours: ([x]) => repeat(x!, 'n d -> b n d', { b: 8 }),
    handWritten: { tile: ([x]) => tf.tidy(() => tf.tile(tf.expandDims(x!, 0), [8, 1, 1])) },
  },
  {
    name: "repeat 'b h w -> b h w c' [8,224,224] c=3", small: false,
    inputs: () => [tf.randomNormal([8, 224, 224])],
    ours: ([x]) => repeat(x!, 'b h w -> b h w c', { c: 3 }),
    handWritten: { tile: ([x]) => tf.tidy(() => tf.tile(tf.expandDims(x!, 3), [1, 1, 1, 3])) },
  },
  {
    name: "einsum 'i j, j k -> i k' [8,8]x[8,8]", small: true,
    inputs: () => [tf.randomNormal([8, 8]), tf.randomNormal([8, 8])],
    ours: ([a, b]) => einsum(a!, b!, 'i j, j k -> i k'),
    handWritten: { matMul: ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) },
  },
  {
    name: "einsum attention 'b h i d, b h j d -> b h i j' [1,12,197,64]", small: false,
    inputs: () => [tf.randomNormal([1, 12, 197, 64]), tf.randomNormal([1, 12, 197, 64])],
    ours: ([q, k]) => einsum(q!, k!, 'b h i d, b h j d -> b h i j'),
    handWritten: attentionVariants(12, 197, 64, 'scores'),
  },
  {
    name: "einsum attention 'b h i j, b h j d -> b h i d' [1,12,197,64]", small: false,
    inputs: () => [tf.randomNormal([1, 12, 197, 197]), tf.randomNormal([1, 12, 197, 64])],
    ours: ([a, v]) => einsum(a!, v!, 'b h i j, b h j d -> b h i d'),
    handWritten: attentionVariants(12, 197, 64, 'values'),
  },
];

/** The hand-written attention products a tfjs user would write: batched, and per head. */
function attentionVariants(h: number, n: number, d: number, which: 'scores' | 'values'): Record<string, (xs: tf.Tensor[]) => tf.Tensor> {
  const transposeB = which === 'scores';
  const last = which === 'scores' ? n : d;
  return {
    'matMul batched': ([a, b]) => tf.matMul(a as tf.Tensor4D, b as tf.Tensor4D, false, transposeB),
    'matMul per head': ([a, b]) => tf.tidy(() => {
      const as = tf.split(tf.reshape(a!, [h, n, a!.shape[3]!]), h, 0);
      const bs = tf.split(tf.reshape(b!, [h, b!.shape[2]!, d]), h, 0);
      const heads = as.map((ai, i) => tf.matMul(tf.reshape(ai, [n, a!.shape[3]!]) as tf.Tensor2D,
        tf.reshape(bs[i]!, [b!.shape[2]!, d]) as tf.Tensor2D, false, transposeB));
      return tf.reshape(tf.stack(heads), [1, h, n, last]);
    }),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const backendArg = args.find((a) => a.startsWith('--backend'));
  const backends = (backendArg?.includes('=') ? backendArg.split('=')[1]! : args[args.indexOf('--backend') + 1] ?? 'wasm,cpu')
    .split(',').filter((b) => b === 'wasm' || b === 'cpu');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    const rows: Array<{ workload: string; ours: Stats; best: string; handWritten: Record<string, Stats>; ratio: number }> = [];
    console.log(`\n### @vit/einops vs hand-written tfjs — ${backend}, ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
    console.log('| workload | ours (median / p90 ms) | best hand-written (median / p90 ms) | ratio | context |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const w of WORKLOADS) {
      if (backend === 'cpu' && !w.small && w.name.includes('attention') === false && quick) continue;
      const xs = w.inputs();
      const calls = w.small ? (quick ? 50 : 200) : 1;
      const samples = w.small ? (quick ? 5 : 15) : (quick ? 3 : backend === 'cpu' ? 5 : 15);
      const all = { ...w.handWritten, ...w.context };
      const result = await compare({ ours: () => w.ours(xs), ...Object.fromEntries(Object.entries(all).map(([k, f]) => [k, () => f(xs)])) },
        { samples, calls, warmup: 2 });
      const { ours, ...rest } = result;
      const hand = Object.fromEntries(Object.entries(rest).filter(([k]) => k in w.handWritten));
      const context = Object.entries(rest).filter(([k]) => !(k in w.handWritten)).map(([k, v]) => `${k}: ${fmt(v.median)}`).join(', ');
      const best = Object.entries(hand).sort((a, b) => a[1].median - b[1].median)[0]!;
      const ratio = ours!.median / best[1].median;
      rows.push({ workload: w.name, ours: ours!, best: best[0], handWritten: rest, ratio });
      console.log(`| ${w.name} | ${fmt(ours!.median)} / ${fmt(ours!.p90)} | ${best[0]}: ${fmt(best[1].median)} / ${fmt(best[1].p90)} | ${ratio.toFixed(2)}x | ${context} |`);
      xs.forEach((x) => x.dispose());
    }
    const file = new URL(`./results/einops-${backend}${quick ? '-quick' : ''}.json`, import.meta.url);
    writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), backend, node: process.version, cpu: os.cpus()[0]?.model, rows }, null, 2));
  }
}

await main();
