/**
 * Backend choice. Importing `@vit/core` registers tfjs' `cpu` backend, so with nothing else
 * registered tfjs runs on `cpu` (tfjs picks the highest-priority registered backend: webgpu > wasm >
 * cpu). `setBackend` switches explicitly, loading the wasm / webgpu backend package on demand.
 */
import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

export interface SetBackendOptions {
  /**
   * wasm only: where the `.wasm` binaries are served from (a directory URL ending in '/', or a map
   * of file names to URLs), as tfjs-backend-wasm's `setWasmPaths`. Needed when bundling.
   */
  wasmPaths?: string | Record<string, string>;
}

/**
 * Makes `name` the active tfjs backend and waits until it is ready. Throws (never falls back) when
 * it cannot be initialised. In Node, use `@vit/core/node`'s `setBackend`, which also provides
 * `navigator.gpu` for webgpu.
 */
export async function setBackend(name: BackendName, options: SetBackendOptions = {}): Promise<void> {
  switch (name) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths as string);
      break;
    }
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      if (tf.findBackendFactory('webgpu') == null) {
        throw new Error("@tensorflow/tfjs-backend-webgpu did not register itself: this environment has no navigator.gpu");
      }
      break;
    default:
      throw new Error(`unknown backend '${String(name)}' (expected cpu, wasm or webgpu)`);
  }
  let ok = false;
  let cause: unknown;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    cause = err;
  }
  if (!ok) throw new Error(`could not initialise the tfjs '${name}' backend${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
  await tf.ready();
}
