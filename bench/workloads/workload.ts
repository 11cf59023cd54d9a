/** What a workload is, and the helpers its implementations share. */
import type { ActiveBackend } from '../lib/backends.js';
import type { Assets } from '../lib/platform.js';
import type { CandidateResult, Check, Group, Runtime } from '../lib/results.js';
import type { Measured, SamplePlan } from '../lib/timing.js';
import type { OnnxPeer } from '../peers/peer.js';

export interface RunContext {
  backend: ActiveBackend;
  quick: boolean;
  assets: Assets;
  /** The peers to measure alongside ours: non-empty in the one backend pass that measures them. */
  peers: OnnxPeer[];
  /** Timing plan for this backend (software WebGPU gets a short one). */
  plan: SamplePlan;
  log(line: string): void;
}

export interface Workload {
  id: string;
  group: Group;
  title: string;
  /** Images per call, for throughput. */
  items?: number;
  /** Whether peers (ONNX runtimes) take part. */
  usesPeers: boolean;
  /** Small enough for --quick on cpu and software WebGPU. */
  small?: boolean;
  /** true, or why it does not run on this backend here. */
  runsOn(backend: ActiveBackend): true | string;
  /** Runs on the current tfjs backend (and the peers in ctx.peers, interleaved). */
  run(ctx: RunContext): Promise<CandidateResult[]>;
  /** Frees what the workload keeps between calls on one backend (models, sessions). */
  release?(): Promise<void> | void;
}

/** Thrown by a workload whose code is not there yet (e.g. a package not built): reported as 'pending', not failed. */
export class PendingWorkload extends Error {}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i]! - b[i]!);
    if (!(x <= d)) d = Number.isNaN(x) ? Infinity : x;
  }
  return d;
}

export function check(against: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): Check {
  const d = maxAbsDiff(actual, expected);
  return { against, maxAbsDiff: d, tolerance, ok: d <= tolerance };
}

export interface CandidateBase {
  key: string;
  runtime: Runtime;
  backend: string;
  role: CandidateResult['role'];
  impl: string;
  software?: boolean;
}

/** A candidate's result from its measurement. */
export function fromMeasured(base: CandidateBase, measured: Measured | undefined): CandidateResult {
  if (measured === undefined) return { ...base, status: 'failed', reason: 'not measured' };
  if ('error' in measured) {
    const tooSlow = measured.error.startsWith('too slow');
    return { ...base, status: tooSlow ? 'skipped' : 'failed', reason: measured.error };
  }
  return { ...base, status: 'ok', stats: measured.stats };
}

/** The tfjs candidate key for a backend. */
export const tfjsKey = (backend: string): string => `tfjs-${backend}`;
