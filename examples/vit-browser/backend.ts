/**
 * Picks the tfjs backend: WebGPU when the browser has it (and an adapter), WASM otherwise, or the one
 * the user asked for. The WASM binaries are bundled as Vite assets: in a bundle tfjs cannot find them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});

export const BACKEND_CHOICES = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface ActiveBackend {
  name: string;
  /** Why `auto` did not get WebGPU, or which adapter / SIMD support it got. */
  note: string;
}

export function parseBackendChoice(value: string | null): BackendChoice {
  if (value === null || value === '') return 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) {
    throw new Error(`unknown backend '${value}' (expected ${BACKEND_CHOICES.join(', ')})`);
  }
  return value as BackendChoice;
}

/** Why WebGPU cannot be used here, or null when it registered and initialised. */
async function tryWebgpu(): Promise<string | null> {
  if (!('gpu' in navigator)) return 'this browser has no WebGPU (navigator.gpu)';
  // The webgpu backend registers itself only when navigator.gpu exists at import time.
  await import('@tensorflow/tfjs-backend-webgpu');
  try {
    return (await tf.setBackend('webgpu')) ? null : 'no WebGPU adapter';
  } catch (e) {
    return `WebGPU failed to start: ${(e as Error).message}`;
  }
}

export async function useBackend(choice: BackendChoice): Promise<ActiveBackend> {
  let fallback = '';
  if (choice === 'auto' || choice === 'webgpu') {
    const problem = await tryWebgpu();
    if (problem === null) return { name: 'webgpu', note: await describe('webgpu') };
    if (choice === 'webgpu') throw new Error(problem);
    fallback = `${problem}, so WASM; `;
  }
  const name = choice === 'cpu' ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to start`);
  return { name, note: fallback + await describe(name) };
}

async function describe(backend: string): Promise<string> {
  if (backend === 'wasm') return `SIMD ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'on' : 'off'}`;
  if (backend !== 'webgpu') return 'plain JavaScript';
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  return `adapter ${info?.vendor || 'unknown'} ${info?.architecture || ''}`.trim();
}
