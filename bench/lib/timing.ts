/** Timing helpers: warm-up, interleaved samples, medians and p90 (never timed unit tests). */
import * as tf from '@tensorflow/tfjs-core';

export interface Stats {
  median: number;
  p90: number;
  samples: number;
}

export function stats(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p90: at(0.9), samples: sorted.length };
}

/**
 * Times `calls` consecutive invocations of each candidate per sample (ms per call), waiting for the
 * last result with `await t.data()`. Candidates are interleaved sample by sample, so machine noise
 * hits them alike; their ratios are meaningful, their absolute numbers less so.
 */
export async function compare(candidates: Record<string, () => tf.Tensor>, options: { samples: number; calls: number; warmup: number }):
Promise<Record<string, Stats>> {
  const names = Object.keys(candidates);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const runOnce = async (name: string): Promise<number> => {
    const start = performance.now();
    let last: tf.Tensor | undefined;
    for (let i = 0; i < options.calls; i++) {
      last?.dispose();
      last = candidates[name]!();
    }
    await last!.data();
    last!.dispose();
    return (performance.now() - start) / options.calls;
  };
  for (let i = 0; i < options.warmup; i++) for (const name of names) await runOnce(name);
  for (let s = 0; s < options.samples; s++) {
    for (const name of s % 2 === 0 ? names : [...names].reverse()) times[name]!.push(await runOnce(name));
  }
  return Object.fromEntries(names.map((n) => [n, stats(times[n]!)]));
}

export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}
