/**
 * Runs the workloads in one environment (Node or the browser page): backend by backend (wasm
 * first, so the peers are measured interleaved with tfjs-wasm), workload by workload. Returns
 * plain data (EnvironmentRun); never throws for a workload or backend that fails.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PendingWorkload, type Workload } from '../workloads/workload.js';
import type { OnnxPeer } from '../peers/peer.js';
import { BACKENDS, useBackend, type ActiveBackend, type BackendName } from './backends.js';
import type { Platform } from './platform.js';
import { planFor } from './plans.js';
import type { BackendInfo, CandidateResult, EnvironmentRun, WorkloadResult } from './results.js';
import { errorMessage } from './timing.js';

export interface SuiteOptions {
  quick: boolean;
  backends: BackendName[];
  peers: boolean;
  workloads: Workload[];
}

export async function runSuite(platform: Platform, options: SuiteOptions): Promise<EnvironmentRun> {
  const start = performance.now();
  const log = platform.log;
  const results = new Map<string, WorkloadResult>(options.workloads.map((w) => [w.id, {
    id: w.id, group: w.group, title: w.title, ...(w.items ? { items: w.items } : {}), status: 'ok', candidates: [],
  }]));
  const backendInfos: BackendInfo[] = [];
  const peers: OnnxPeer[] = options.peers && options.workloads.some((w) => w.usesPeers) ? platform.createPeers() : [];
  const peersMeasured = new Set<string>();

  const order = BACKENDS.filter((b) => options.backends.includes(b));
  for (const name of order) {
    let backend: ActiveBackend;
    try {
      backend = await useBackend(name, platform);
    } catch (err) {
      const reason = errorMessage(err);
      log(`  tfjs-${name}: FAILED to start: ${reason}`);
      backendInfos.push({ key: `tfjs-${name}`, runtime: 'tfjs', version: tf.version_core, status: 'failed', reason });
      for (const w of options.workloads) {
        results.get(w.id)!.candidates.push({ key: `tfjs-${name}`, runtime: 'tfjs', backend: name, role: 'ours', impl: 'ours', status: 'failed', reason: `backend did not start: ${reason}` });
      }
      continue;
    }
    backendInfos.push(backend.info);
    log(`  tfjs-${name} ${describe(backend.info)}`);
    for (const w of options.workloads) {
      const result = results.get(w.id)!;
      const verdict = options.quick && (backend.software || name === 'cpu') && !w.small
        ? `--quick: only the small einops workloads on ${backend.software ? 'a software WebGPU adapter' : 'cpu'}`
        : w.runsOn(backend);
      if (verdict !== true) {
        result.candidates.push({ key: `tfjs-${name}`, runtime: 'tfjs', backend: name, role: 'ours', impl: 'ours', status: 'skipped', reason: verdict, ...(backend.software ? { software: true } : {}) });
        continue;
      }
      const withPeers = w.usesPeers && !peersMeasured.has(w.id) ? peers : [];
      if (withPeers.length > 0) peersMeasured.add(w.id);
      result.candidates.push(...await runWorkload(w, backend, withPeers, options.quick, platform));
    }
    for (const w of options.workloads) await w.release?.();
  }
  for (const peer of peers) {
    backendInfos.push(peer.info());
    await peer.dispose().catch(() => {});
  }
  for (const result of results.values()) settle(result);
  const env = { ...platform.describe(), backends: backendInfos };
  return { env, status: 'ok', durationMs: performance.now() - start, workloads: [...results.values()] };
}

async function runWorkload(w: Workload, backend: ActiveBackend, peers: OnnxPeer[], quick: boolean, platform: Platform): Promise<CandidateResult[]> {
  const t0 = performance.now();
  const errorsBefore = backend.gpu?.errors.length ?? 0;
  let candidates: CandidateResult[];
  try {
    candidates = await w.run({ backend, quick, assets: platform.assets, peers, plan: planFor(w.group, backend, quick), log: platform.log });
  } catch (err) {
    const pending = err instanceof PendingWorkload;
    candidates = [{
      key: `tfjs-${backend.name}`, runtime: 'tfjs', backend: backend.name, role: 'ours', impl: 'ours',
      status: pending ? 'pending' : 'failed', reason: errorMessage(err),
    }];
  }
  const gpuErrors = backend.gpu?.errors.slice(errorsBefore) ?? [];
  if (gpuErrors.length > 0) {
    for (const c of candidates) {
      if (c.runtime === 'tfjs' && c.status === 'ok') Object.assign(c, { status: 'failed', reason: `WebGPU error: ${gpuErrors[0]}` });
    }
  }
  platform.log(`  ${w.id} on tfjs-${backend.name}${peers.length ? ' + peers' : ''}: ${((performance.now() - t0) / 1000).toFixed(1)} s` +
    ` — ${candidates.map(summary).join('; ')}`);
  return candidates;
}

function summary(c: CandidateResult): string {
  if (c.status !== 'ok') return `${c.key} ${c.status}${c.reason ? ` (${c.reason})` : ''}`;
  const check = c.check ? (c.check.ok ? ' ✓' : ` ✗ ${c.check.maxAbsDiff.toExponential(1)}`) : '';
  return `${c.key} ${c.stats!.median.toPrecision(3)} ms${check}`;
}

function describe(info: BackendInfo): string {
  const parts = [info.version];
  if (info.simd !== undefined) parts.push(`simd ${info.simd}`);
  if (info.threads !== undefined) parts.push(`${info.threads} thread(s)`);
  if (info.adapter) parts.push(`adapter '${info.adapter.device || info.adapter.description || info.adapter.vendor}'${info.label ? ` (${info.label})` : ''}`);
  return parts.join(', ');
}

/** A workload's status: failed if any candidate failed or disagrees, pending if ours is pending. */
function settle(result: WorkloadResult): void {
  const bad = result.candidates.filter((c) => c.status === 'failed' || (c.status === 'ok' && c.check !== undefined && !c.check.ok));
  const ran = result.candidates.filter((c) => c.status === 'ok');
  if (bad.length > 0) {
    result.status = 'failed';
    result.reason = bad.map((c) => `${c.key}: ${c.status === 'failed' ? c.reason : `disagrees with ${c.check!.against} by ${c.check!.maxAbsDiff.toExponential(2)}`}`).join('; ');
  } else if (ran.length === 0) {
    const pending = result.candidates.find((c) => c.status === 'pending');
    result.status = pending ? 'pending' : 'skipped';
    result.reason = (pending ?? result.candidates[0])?.reason ?? 'nothing ran';
  }
}
