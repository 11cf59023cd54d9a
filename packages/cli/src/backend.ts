/** `--backend`: cpu, wasm or webgpu (a real GPU through Dawn, else Mesa's software rasteriser). */
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@vit/core/node';

export const BACKENDS = ['wasm', 'webgpu', 'cpu'] as const;
export type CliBackend = (typeof BACKENDS)[number];

export function parseBackend(value: string): CliBackend {
  if (!(BACKENDS as readonly string[]).includes(value)) throw new Error(`unknown backend '${value}' (expected one of: ${BACKENDS.join(', ')})`);
  return value as CliBackend;
}

export async function useBackend(name: CliBackend): Promise<string> {
  if (name !== 'webgpu') {
    await setBackend(name);
    // tfjs-backend-cpu prints a "install tfjs-node" banner on first use, into our tables and JSON.
    if (name === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
    return name;
  }
  try {
    await setBackend('webgpu');
    return 'webgpu';
  } catch (gpuError) {
    // No GPU adapter: Dawn's OpenGL ES backend on Mesa llvmpipe (software, correctness only).
    process.env['EGL_PLATFORM'] ??= 'surfaceless';
    delete (globalThis as { navigator?: unknown }).navigator;
    try {
      await setBackend('webgpu', { webgpu: { dawnOptions: ['backend=opengles'], featureLevel: 'compatibility' } });
    } catch (softwareError) {
      throw new Error(`no WebGPU adapter: ${(gpuError as Error).message}; software fallback: ${(softwareError as Error).message}`);
    }
    return 'webgpu (software adapter)';
  }
}
