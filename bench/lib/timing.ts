/**
 * Timing: warm-up, then interleaved samples, medians and p90 (never in unit tests).
 *
 * A Runner makes `calls` consecutive calls and resolves when the last result is readable (tfjs:
 * `await t.data()` on the last output, never dataSync). Candidates are interleaved sample by
 * sample, alternating the order, so machine noise hits them alike: their ratios are meaningful,
 * their absolute numbers less so. The number of samples comes from a time budget.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Stats } from './results.js';

export type Runner = (calls: number) => Promise<void>;

export interface SamplePlan {
  /**
   * Warm-up calls per candidate (shaders compile and weights pack on the first ones); fewer (but at
   * least one) when they already exceed the budget.
   */
  warmup: number;
  minSamples: number;
  maxSamples: number;
  /** Timed time for all candidates together; samples = budget / (sum of the sample estimates). */
  budgetMs: number;
  /** Calls per sample for fast candidates, so that one sample lasts about this long. */
  targetSampleMs: number;
  /** A candidate whose first warm-up call takes longer is dropped as too slow. */
  maxCallMs: number;
}

export type Measured = { stats: Stats } | { error: string };

/** A tfjs candidate: `f` returns a new tensor each call; only the last one is read back. */
export function tfjsRunner(f: () => tf.Tensor): Runner {
  return async (calls) => {
    let last: tf.Tensor | undefined;
    for (let i = 0; i < calls; i++) {
      last?.dispose();
      last = f();
    }
    await last!.data();
    last!.dispose();
  };
}

async function timeOnce(run: Runner, calls: number): Promise<number> {
  const start = performance.now();
  await run(calls);
  return performance.now() - start;
}

export function stats(perCallMs: number[], callsPerSample: number, warmupMs: number[]): Stats {
  const sorted = [...perCallMs].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const median = sorted.length % 2 === 1 ? at(0.5) : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { median, p90: at(0.9), min: sorted[0]!, samples: sorted.length, callsPerSample, warmupMs };
}

/** Warms up and times every candidate; a candidate that throws or is too slow gets `{error}`. */
export async function measure(candidates: Record<string, Runner>, plan: SamplePlan): Promise<Record<string, Measured>> {
  const out: Record<string, Measured> = {};
  const warmups: Record<string, number[]> = {};
  const live: string[] = [];
  for (const [name, run] of Object.entries(candidates)) {
    warmups[name] = [];
    try {
      for (let i = 0; i < Math.max(1, plan.warmup); i++) {
        const ms = await timeOnce(run, 1);
        warmups[name]!.push(ms);
        if (i === 0 && ms > plan.maxCallMs) throw new TooSlow(ms, plan.maxCallMs);
        // Very slow calls: one warm-up is all the budget allows.
        if (warmups[name]!.reduce((a, b) => a + b, 0) > plan.budgetMs) break;
      }
      live.push(name);
    } catch (err) {
      out[name] = { error: errorMessage(err) };
    }
  }
  // Calls per sample and the number of rounds, from the last warm-up call of each candidate.
  const calls: Record<string, number> = {};
  let roundMs = 0;
  for (const name of live) {
    const estimate = Math.max(1e-3, warmups[name]!.at(-1)!);
    calls[name] = Math.min(1000, Math.max(1, Math.ceil(plan.targetSampleMs / estimate)));
    roundMs += calls[name]! * estimate;
  }
  const rounds = Math.min(plan.maxSamples, Math.max(plan.minSamples, Math.floor(plan.budgetMs / Math.max(roundMs, 1e-3))));
  const times: Record<string, number[]> = Object.fromEntries(live.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? live : [...live].reverse()) {
      if (out[name] !== undefined) continue;
      try {
        times[name]!.push((await timeOnce(candidates[name]!, calls[name]!)) / calls[name]!);
      } catch (err) {
        out[name] = { error: errorMessage(err) };
      }
    }
  }
  for (const name of live) out[name] ??= { stats: stats(times[name]!, calls[name]!, warmups[name]!) };
  return out;
}

class TooSlow extends Error {
  constructor(ms: number, limit: number) {
    super(`too slow here: first call ${(ms / 1000).toFixed(1)} s > ${(limit / 1000).toFixed(0)} s limit`);
  }
}

export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}

export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}
