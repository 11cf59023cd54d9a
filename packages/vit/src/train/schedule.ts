/**
 * Linear warmup then cosine decay, per optimizer step (0-based):
 *   step < warmupSteps:  lr = baseLr · (step + 1) / warmupSteps
 *   afterwards:          lr = minLr + (baseLr − minLr) · ½(1 + cos(π · progress)),
 *                        progress = (step − warmupSteps) / max(1, totalSteps − warmupSteps), clamped to [0, 1]
 */
export interface WarmupCosineOptions {
  baseLr: number;
  warmupSteps: number;
  totalSteps: number;
  minLr?: number;
}

export function warmupCosineLr(step: number, { baseLr, warmupSteps, totalSteps, minLr = 0 }: WarmupCosineOptions): number {
  if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a non-negative integer, got ${step}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || !Number.isInteger(totalSteps) || totalSteps < warmupSteps) {
    throw new Error(`need integers 0 <= warmupSteps (${warmupSteps}) <= totalSteps (${totalSteps})`);
  }
  if (step < warmupSteps) return (baseLr * (step + 1)) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** The schedule as a function of the step. */
export function warmupCosine(options: WarmupCosineOptions): (step: number) => number {
  warmupCosineLr(0, options);
  return (step) => warmupCosineLr(step, options);
}
