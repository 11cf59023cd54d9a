/**
 * Starts a tfjs backend (never falling back to another) and describes it: version, WASM SIMD and
 * threads, the WebGPU adapter and whether it is a software one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Platform } from './platform.js';
import type { BackendInfo } from './results.js';
import { SOFTWARE_LABEL, type GpuCapture } from './webgpu.js';

export type BackendName = 'wasm' | 'webgpu' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'webgpu', 'cpu'];

export interface ActiveBackend {
  name: BackendName;
  info: BackendInfo;
  /** On a software WebGPU adapter: correctness only. */
  software: boolean;
  gpu?: GpuCapture;
}

let gpuCapture: Promise<GpuCapture> | undefined;

export async function useBackend(name: BackendName, platform: Platform): Promise<ActiveBackend> {
  const key = `tfjs-${name}`;
  let version = tf.version_core;
  let gpu: GpuCapture | undefined;
  switch (name) {
    case 'cpu':
      version = (await import('@tensorflow/tfjs-backend-cpu')).version_cpu;
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (platform.wasmPaths !== undefined) wasm.setWasmPaths(platform.wasmPaths as string);
      version = wasm.version_wasm;
      break;
    }
    case 'webgpu': {
      gpuCapture ??= platform.installGpu();
      gpu = await gpuCapture;
      await import('@tensorflow/tfjs-backend-webgpu');
      version = tf.version_core; // tfjs-backend-webgpu exports no version; it is released with tfjs-core
      if (tf.findBackendFactory('webgpu') == null) throw new Error('tfjs-backend-webgpu did not register itself (no navigator.gpu)');
      break;
    }
  }
  let ok = false;
  let cause: unknown;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    cause = err;
  }
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`could not start the tfjs '${name}' backend${cause instanceof Error ? `: ${cause.message}` : ''}`);
  }
  await tf.ready();
  const info: BackendInfo = { key, runtime: 'tfjs', version, status: 'ok' };
  if (name === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    info.threads = wasm.getThreadsCount();
    info.multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  }
  let software = false;
  if (name === 'webgpu') {
    const adapter = gpu!.adapter();
    if (adapter === undefined) throw new Error('tfjs-backend-webgpu started without asking for an adapter?');
    info.adapter = adapter;
    software = adapter.isSoftware;
    if (software) info.label = SOFTWARE_LABEL;
  }
  return { name, info, software, ...(gpu ? { gpu } : {}) };
}
