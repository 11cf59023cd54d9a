/**
 * How long to measure: warm-up calls, sample counts and time budgets per workload group, full or
 * --quick. --quick is a smoke test (does everything run and agree), not a measurement.
 */
import type { ActiveBackend } from './backends.js';
import type { Group } from './results.js';
import type { SamplePlan } from './timing.js';

const FULL: Record<Group, SamplePlan> = {
  'einops': { warmup: 2, minSamples: 7, maxSamples: 30, budgetMs: 3_000, targetSampleMs: 20, maxCallMs: 60_000 },
  'vit-forward': { warmup: 2, minSamples: 3, maxSamples: 30, budgetMs: 12_000, targetSampleMs: 0, maxCallMs: 120_000 },
  'train-step': { warmup: 2, minSamples: 3, maxSamples: 10, budgetMs: 30_000, targetSampleMs: 0, maxCallMs: 180_000 },
  'distill-step': { warmup: 2, minSamples: 3, maxSamples: 10, budgetMs: 30_000, targetSampleMs: 0, maxCallMs: 180_000 },
};

const QUICK: SamplePlan = { warmup: 1, minSamples: 1, maxSamples: 3, budgetMs: 200, targetSampleMs: 5, maxCallMs: 120_000 };

/** Software WebGPU: correctness only, so just enough calls to show it runs. */
const SOFTWARE: SamplePlan = { warmup: 1, minSamples: 1, maxSamples: 5, budgetMs: 2_000, targetSampleMs: 5, maxCallMs: 120_000 };

export function planFor(group: Group, backend: ActiveBackend, quick: boolean): SamplePlan {
  if (quick) return QUICK;
  if (backend.software) return SOFTWARE;
  return FULL[group];
}
