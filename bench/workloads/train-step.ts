/**
 * One training step of the tiny ViT (image 32, patch 4, dim 192, depth 6, heads 3, mlp 384, 10
 * classes): forward, cross-entropy, gradients, AdamW update — batch 64 (8 with --quick). The step
 * returns its loss; the check is that every loss seen is finite.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, crossEntropy, valueAndGrads, ViT } from '@vit/core';
import type { ActiveBackend } from '../lib/backends.js';
import { profileMemory } from '../lib/memory.js';
import type { CandidateResult, Group } from '../lib/results.js';
import { measure, tfjsRunner } from '../lib/timing.js';
import { TINY } from './models.js';
import { fromMeasured, tfjsKey, type RunContext, type Workload } from './workload.js';

export interface Step {
  /** One optimisation step; returns the loss (the caller disposes it). */
  step(): tf.Scalar;
  dispose(): void;
}

/** Synthetic CIFAR-sized batch: seeded images, labels i mod 10. */
export function syntheticBatch(batch: number): { x: tf.Tensor; y: tf.Tensor } {
  return {
    x: tf.randomNormal([batch, 3, 32, 32], 0, 1, 'float32', 7),
    y: tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'),
  };
}

export function trainingRunsOn(backend: ActiveBackend): true | string {
  if (backend.software) return 'software WebGPU adapter: only einops and ViT-Ti/16 batch 1 (correctness)';
  if (backend.name === 'cpu') return 'tfjs cpu backend: too slow (a step is ~50 GFLOP at ~0.5 GFLOP/s)';
  return true;
}

/** Times `make()`'s step on the current backend (never interleaved: one candidate). */
export async function runSteps(make: () => Step, ctx: RunContext): Promise<CandidateResult[]> {
  const backend = ctx.backend.name;
  const step = make();
  const losses: number[] = [];
  try {
    const loss = (): tf.Tensor => {
      const value = step.step();
      // Read the loss with the timed call (await data), keep it for the check.
      void value.data().then((d) => losses.push(d[0]!), () => {});
      return value;
    };
    const measured = await measure({ ours: tfjsRunner(loss) }, ctx.plan);
    const result = fromMeasured({ key: tfjsKey(backend), runtime: 'tfjs', backend, role: 'ours', impl: 'ours' }, measured['ours']);
    if (result.status === 'ok') {
      result.memory = (await profileMemory(loss)).memory;
      const finite = losses.length > 0 && losses.every(Number.isFinite);
      result.check = { against: `finite loss (first ${losses[0]?.toFixed(3)}, last ${losses.at(-1)?.toFixed(3)})`, maxAbsDiff: 0, tolerance: 0, ok: finite };
    }
    return [result];
  } finally {
    step.dispose();
  }
}

export function trainStepWorkload(quick: boolean): Workload {
  const batch = quick ? 8 : 64;
  const group: Group = 'train-step';
  return {
    id: 'train-tiny',
    group,
    title: `tiny ViT training step (32², patch 4, dim 192, depth 6), AdamW, batch ${batch}`,
    items: batch,
    usesPeers: false,
    runsOn: trainingRunsOn,
    run: (ctx) => runSteps(() => {
      const model = new ViT(TINY).train();
      const params = model.namedParameters();
      const optimizer = new AdamW(params, { lr: 1e-3 });
      const { x, y } = syntheticBatch(batch);
      return {
        step: () => {
          const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(x), y), params);
          optimizer.step(grads);
          tf.dispose(Object.values(grads));
          return value;
        },
        dispose: () => { optimizer.dispose(); model.dispose(); tf.dispose([x, y]); },
      };
    }, ctx),
  };
}
