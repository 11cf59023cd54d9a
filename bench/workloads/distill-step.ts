/**
 * The distillation step (DeiT, soft distillation, T = 3, α = 0.5): a tiny DistillableViT student
 * learns from a frozen tiny ViT teacher through DistillWrapper — forward of both, loss, gradients
 * of the student and the wrapper's token and head, AdamW update. Batch 64 (8 with --quick).
 *
 * Hook: @vit/distill is imported when the workload runs; if it is not built (or not there yet), the
 * workload is reported as 'pending' with the reason, never replaced by something else.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, valueAndGrads, ViT } from '@vit/core';
import type { CandidateResult } from '../lib/results.js';
import { TINY } from './models.js';
import { runSteps, syntheticBatch, trainingRunsOn } from './train-step.js';
import { PendingWorkload, type RunContext, type Workload } from './workload.js';

type DistillModule = typeof import('@vit/distill');

let distill: Promise<DistillModule> | undefined;

async function loadDistill(): Promise<DistillModule> {
  distill ??= import('@vit/distill');
  try {
    return await distill;
  } catch (err) {
    throw new PendingWorkload(`@vit/distill is not available yet (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

export function distillStepWorkload(quick: boolean): Workload {
  const batch = quick ? 8 : 64;
  return {
    id: 'distill-tiny',
    group: 'distill-step',
    title: `distillation step: tiny DistillableViT ← frozen tiny ViT, soft (T=3, α=0.5), AdamW, batch ${batch}`,
    items: batch,
    usesPeers: false,
    runsOn: trainingRunsOn,
    async run(ctx: RunContext): Promise<CandidateResult[]> {
      const { DistillableViT, DistillWrapper } = await loadDistill();
      return runSteps(() => {
        const teacher = new ViT(TINY).eval();
        const student = new DistillableViT(TINY);
        const wrapper = new DistillWrapper({ student, teacher, temperature: 3, alpha: 0.5 }).train();
        teacher.eval();
        // The teacher is frozen: only the student and the wrapper's own parameters learn.
        const params = Object.fromEntries(Object.entries(wrapper.namedParameters()).filter(([name]) => !name.startsWith('teacher.')));
        const optimizer = new AdamW(params, { lr: 1e-3 });
        const { x, y } = syntheticBatch(batch);
        return {
          step: () => {
            const { value, grads } = valueAndGrads(() => wrapper.forward(x, y), params);
            optimizer.step(grads);
            tf.dispose(Object.values(grads));
            return value;
          },
          dispose: () => { optimizer.dispose(); wrapper.dispose(); tf.dispose([x, y]); },
        };
      }, ctx);
    },
  };
}
