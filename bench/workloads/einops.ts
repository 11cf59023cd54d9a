/**
 * @vit/einops against hand-written tfjs on the same backend, at small and ViT sizes. Inputs are
 * made once per backend and kept alive (weights-like, as in a model). The best hand-written
 * variant (lowest median) is the baseline; `context` variants do the same job differently and
 * are shown, not compared.
 */
import * as tf from '@tensorflow/tfjs-core';
import { einsum, rearrange, reduce, repeat } from '@vit/einops';
import { profileMemory } from '../lib/memory.js';
import type { CandidateResult } from '../lib/results.js';
import { measure, tfjsRunner, type Runner } from '../lib/timing.js';
import { check, fromMeasured, tfjsKey, type RunContext, type Workload } from './workload.js';

type Op = (xs: tf.Tensor[]) => tf.Tensor;

interface EinopsCase {
  id: string;
  title: string;
  inputs: number[][];
  ours: Op;
  handWritten: Record<string, Op>;
  context?: Record<string, Op>;
}

const CASES: EinopsCase[] = [
  {
    id: 'einops-rearrange-small', title: "rearrange 'b c h w -> b h w c' [2,3,8,8]", inputs: [[2, 3, 8, 8]],
    ours: ([x]) => rearrange(x!, 'b c h w -> b h w c'),
    handWritten: { transpose: ([x]) => tf.transpose(x!, [0, 2, 3, 1]) },
  },
  {
    id: 'einops-rearrange-patches', title: "rearrange 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)' [8,3,224,224]", inputs: [[8, 3, 224, 224]],
    ours: ([x]) => rearrange(x!, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: 16, p2: 16 }),
    handWritten: {
      'reshape+transpose': ([x]) => tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x!, [8, 3, 14, 16, 14, 16]), [0, 2, 4, 3, 5, 1]), [8, 196, 768])),
    },
  },
  {
    id: 'einops-reduce-small', title: "reduce 'b n d -> b d' mean [2,5,8]", inputs: [[2, 5, 8]],
    ours: ([x]) => reduce(x!, 'b n d -> b d', 'mean'),
    handWritten: { mean: ([x]) => tf.mean(x!, 1) },
  },
  {
    id: 'einops-reduce-tokens', title: "reduce 'b n d -> b d' mean [8,197,768]", inputs: [[8, 197, 768]],
    ours: ([x]) => reduce(x!, 'b n d -> b d', 'mean'),
    handWritten: { mean: ([x]) => tf.mean(x!, 1) },
  },
  {
    id: 'einops-reduce-pool', title: "reduce 'b c (h 2) (w 2) -> b c h w' max [8,64,56,56]", inputs: [[8, 64, 56, 56]],
    ours: ([x]) => reduce(x!, 'b c (h 2) (w 2) -> b c h w', 'max'),
    handWritten: { 'reshape+max': ([x]) => tf.tidy(() => tf.max(tf.reshape(x!, [8, 64, 28, 2, 28, 2]), [3, 5])) },
    context: {
      maxPool: ([x]) => tf.tidy(() => tf.transpose(tf.maxPool(tf.transpose(x!, [0, 2, 3, 1]) as tf.Tensor4D, 2, 2, 'valid'), [0, 3, 1, 2])),
    },
  },
  {
    id: 'einops-repeat-small', title: "repeat '1 n d -> b n d' [1,1,8] b=2", inputs: [[1, 1, 8]],
    ours: ([x]) => repeat(x!, '1 n d -> b n d', { b: 2 }),
    handWritten: { tile: ([x]) => tf.tile(x!, [2, 1, 1]) },
  },
  {
    id: 'einops-repeat-tokens', title: "repeat 'n d -> b n d' [197,768] b=8", inputs: [[197, 768]],
    ours: ([x]) => repeat(x!, 'n d -> b n d', { b: 8 }),
    handWritten: { tile: ([x]) => tf.tidy(() => tf.tile(tf.expandDims(x!, 0), [8, 1, 1])) },
  },
  {
    id: 'einops-repeat-channels', title: "repeat 'b h w -> b h w c' [8,224,224] c=3", inputs: [[8, 224, 224]],
    ours: ([x]) => repeat(x!, 'b h w -> b h w c', { c: 3 }),
    handWritten: { tile: ([x]) => tf.tidy(() => tf.tile(tf.expandDims(x!, 3), [1, 1, 1, 3])) },
  },
  {
    id: 'einops-einsum-small', title: "einsum 'i j, j k -> i k' [8,8]x[8,8]", inputs: [[8, 8], [8, 8]],
    ours: ([a, b]) => einsum(a!, b!, 'i j, j k -> i k'),
    handWritten: { matMul: ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) },
  },
  {
    id: 'einops-einsum-scores', title: "einsum 'b h i d, b h j d -> b h i j' [1,12,197,64]", inputs: [[1, 12, 197, 64], [1, 12, 197, 64]],
    ours: ([q, k]) => einsum(q!, k!, 'b h i d, b h j d -> b h i j'),
    handWritten: attentionVariants(12, 197, 64, 'scores'),
  },
  {
    id: 'einops-einsum-values', title: "einsum 'b h i j, b h j d -> b h i d' [1,12,197,64]", inputs: [[1, 12, 197, 197], [1, 12, 197, 64]],
    ours: ([a, v]) => einsum(a!, v!, 'b h i j, b h j d -> b h i d'),
    handWritten: attentionVariants(12, 197, 64, 'values'),
  },
];

/** The hand-written attention products a tfjs user would write: batched, and per head. */
function attentionVariants(h: number, n: number, d: number, which: 'scores' | 'values'): Record<string, Op> {
  const transposeB = which === 'scores';
  const last = which === 'scores' ? n : d;
  return {
    'matMul batched': ([a, b]) => tf.matMul(a as tf.Tensor4D, b as tf.Tensor4D, false, transposeB),
    'matMul per head': ([a, b]) => tf.tidy(() => {
      const k = a!.shape[3]!;
      const rows = b!.shape[2]!;
      const as = tf.split(tf.reshape(a!, [h, n, k]), h, 0);
      const bs = tf.split(tf.reshape(b!, [h, rows, b!.shape[3]!]), h, 0);
      const heads = as.map((ai, i) => tf.matMul(tf.reshape(ai, [n, k]) as tf.Tensor2D,
        tf.reshape(bs[i]!, [rows, b!.shape[3]!]) as tf.Tensor2D, false, transposeB));
      return tf.reshape(tf.stack(heads), [1, h, n, last]);
    }),
  };
}

async function runCase(c: EinopsCase, ctx: RunContext): Promise<CandidateResult[]> {
  const backend = ctx.backend.name;
  const software = ctx.backend.software || undefined;
  const xs = c.inputs.map((shape, i) => tf.randomNormal(shape, 0, 1, 'float32', 17 + i));
  try {
    const ops: Record<string, Op> = { ours: c.ours, ...c.handWritten, ...c.context };
    const runners: Record<string, Runner> = Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, tfjsRunner(() => op(xs))]));
    const measured = await measure(runners, ctx.plan);
    const results: CandidateResult[] = [];
    const reference = await readOnce(() => Object.values(c.handWritten)[0]!(xs));
    for (const [name, op] of Object.entries(ops)) {
      const role = name === 'ours' ? 'ours' : name in c.handWritten ? 'baseline' : 'context';
      const result = fromMeasured({
        key: name === 'ours' ? tfjsKey(backend) : `${tfjsKey(backend)} ${name}`,
        runtime: 'tfjs', backend, role,
        impl: role === 'ours' ? 'ours' : `${role === 'baseline' ? 'hand-written' : 'context'}: ${name}`,
        ...(software ? { software } : {}),
      }, measured[name]);
      if (result.status === 'ok' && role !== 'context') {
        try {
          const { memory, values } = await profileMemory(() => op(xs));
          result.check = check('hand-written tfjs', values, reference, 1e-4 * Math.max(1, maxAbs(reference)));
          result.memory = memory;
        } catch (err) {
          result.status = 'failed';
          result.reason = err instanceof Error ? err.message : String(err);
        }
      }
      results.push(result);
    }
    return results;
  } finally {
    tf.dispose(xs);
  }
}

async function readOnce(f: () => tf.Tensor): Promise<Float32Array> {
  const y = f();
  try {
    return (await y.data()) as Float32Array;
  } finally {
    y.dispose();
  }
}

function maxAbs(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
}

export function einopsWorkloads(): Workload[] {
  return CASES.map((c) => ({
    id: c.id,
    group: 'einops' as const,
    title: c.title,
    usesPeers: false,
    small: c.id.endsWith('-small'),
    runsOn: () => true as const,
    run: (ctx: RunContext) => runCase(c, ctx),
  }));
}
