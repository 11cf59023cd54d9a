/**
 * Test backend selection: `VIT_TEST_BACKEND` = cpu | wasm | webgpu (default cpu).
 *
 *   import {useTestBackend, readValues} from '../support/backend.js';
 *   before(async () => { await useTestBackend(); });
 *
 * WebGPU in Node runs on Dawn (the `webgpu` npm package) with a SOFTWARE adapter:
 * Mesa llvmpipe through Dawn's OpenGL ES backend (`backend=opengles`, WebGPU
 * "compatibility" feature level, `EGL_PLATFORM=surfaceless`). test/run.mjs sets the
 * environment; see test/README.md. Setting `VIT_WEBGPU_DAWN_BACKEND=vulkan` uses Dawn's
 * Vulkan backend instead (e.g. SwiftShader via VK_ICD_FILENAMES, or a real GPU).
 *
 * Only backend-neutral reads work everywhere: on webgpu in Node `dataSync()` / `arraySync()`
 * throw, so tests must `await t.data()` (see readValues).
 */
import * as tf from '@tensorflow/tfjs-core';

export type TestBackendName = 'cpu' | 'wasm' | 'webgpu';
export const TEST_BACKENDS: readonly TestBackendName[] = ['cpu', 'wasm', 'webgpu'];

/** The backend requested through VIT_TEST_BACKEND (validated, default 'cpu'). */
export const backendName: TestBackendName = parseBackend(process.env['VIT_TEST_BACKEND']);

function parseBackend(value: string | undefined): TestBackendName {
  const name = (value ?? '').trim().toLowerCase() || 'cpu';
  if (!(TEST_BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`VIT_TEST_BACKEND=${JSON.stringify(value)}: expected one of ${TEST_BACKENDS.join(', ')}`);
  }
  return name as TestBackendName;
}

/** What Dawn reported for the adapter tfjs-backend-webgpu got (webgpu only). */
export interface WebGPUAdapterDescription {
  dawnBackend: string;
  featureLevel: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn reports false for Mesa llvmpipe (a CPU rasteriser); true for SwiftShader. */
  isFallbackAdapter: boolean;
  /** A CPU implementation (llvmpipe, lavapipe, softpipe, SwiftShader, or a fallback adapter). */
  isSoftware: boolean;
}

let adapterDescription: WebGPUAdapterDescription | undefined;
/** Adapter description once `useTestBackend()` has initialised webgpu, else undefined. */
export function webgpuAdapterInfo(): WebGPUAdapterDescription | undefined {
  return adapterDescription;
}

/** Uncaptured WebGPU errors (validation, out-of-memory, internal) seen so far. */
export const webgpuErrors: string[] = [];

let initialised: Promise<string> | undefined;

/**
 * Initialise the backend named by VIT_TEST_BACKEND and return its name. Idempotent.
 * Throws (never falls back to another backend) when the backend cannot be initialised.
 */
export function useTestBackend(): Promise<string> {
  initialised ??= init(backendName);
  return initialised;
}

async function init(name: TestBackendName): Promise<string> {
  let initError: unknown;
  switch (name) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      break;
    case 'webgpu':
      await installNavigatorGpu((err) => { initError = err; });
      // Registers the 'webgpu' backend only if navigator.gpu exists, so import it afterwards.
      await import('@tensorflow/tfjs-backend-webgpu');
      if (tf.findBackendFactory('webgpu') == null) {
        throw new Error('@tensorflow/tfjs-backend-webgpu did not register itself (navigator.gpu missing?)');
      }
      break;
  }

  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    initError ??= err;
  }
  if (!ok) {
    const detail = initError instanceof Error ? initError.message : initError != null ? String(initError) : '';
    throw new Error(`Could not initialise the tfjs '${name}' backend${detail ? `: ${detail}` : ''}`,
                    {cause: initError});
  }
  await tf.ready();
  const actual = tf.getBackend();
  if (actual !== name) {
    throw new Error(`Requested tfjs backend '${name}' but tf.getBackend() is '${actual}'`);
  }
  if (name === 'cpu') {
    // Skip the one-time "install tfjs-node to speed things up" banner.
    (tf.backend() as {firstUse?: boolean}).firstUse = false;
  }
  if (name === 'webgpu') {
    // Small tensors (< 1000 elements) would otherwise run on the CPU inside the webgpu
    // backend and hide GPU-only failures.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  }
  return actual;
}

async function installNavigatorGpu(onError: (err: Error) => void): Promise<void> {
  const dawnBackend = process.env['VIT_WEBGPU_DAWN_BACKEND'] || 'opengles';
  const featureLevel = process.env['VIT_WEBGPU_FEATURE_LEVEL'] ||
      (dawnBackend === 'opengles' || dawnBackend === 'opengl' ? 'compatibility' : 'core');
  const {create, globals} = await import('webgpu');
  Object.assign(globalThis, globals);
  const dawn = create([`backend=${dawnBackend}`]);

  const hint = dawnBackend === 'opengles'
      ? 'Dawn needs libEGL.so and Mesa llvmpipe (Debian: libegl-dev libegl1 libgl1-mesa-dri) ' +
        'and EGL_PLATFORM=surfaceless; run the tests through `node test/run.mjs`, which sets it.'
      : 'Dawn needs libvulkan.so.1 and a Vulkan driver (e.g. SwiftShader, Debian: libvulkan1 chromium, ' +
        'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, which test/run.mjs sets).';

  // tfjs-backend-webgpu calls navigator.gpu.requestAdapter({powerPreference}) and dereferences
  // the result unchecked; inject the feature level, keep the adapter for its info, and turn
  // "no adapter" into a clear error.
  const gpu = {
    getPreferredCanvasFormat: () => dawn.getPreferredCanvasFormat(),
    get wgslLanguageFeatures() { return dawn.wgslLanguageFeatures; },
    async requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null> {
      let adapter: GPUAdapter | null;
      try {
        adapter = await dawn.requestAdapter({...options, featureLevel} as GPURequestAdapterOptions);
      } catch (err) {
        onError(err as Error);
        throw err;
      }
      if (adapter == null) {
        const err = new Error(`No WebGPU adapter from Dawn (backend=${dawnBackend}, ` +
                              `featureLevel=${featureLevel}). ${hint}`);
        onError(err);
        throw err;
      }
      const info = adapter.info;
      const isFallbackAdapter = Boolean((info as {isFallbackAdapter?: boolean}).isFallbackAdapter ??
                                        (adapter as {isFallbackAdapter?: boolean}).isFallbackAdapter);
      adapterDescription = {
        dawnBackend,
        featureLevel,
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        isFallbackAdapter,
        isSoftware: isFallbackAdapter ||
            /llvmpipe|lavapipe|softpipe|swiftshader/i.test(`${info.device} ${info.description} ${info.architecture}`),
      };
      const requestDevice = adapter.requestDevice.bind(adapter);
      adapter.requestDevice = async (descriptor?: GPUDeviceDescriptor) => {
        let device: GPUDevice;
        try {
          device = await requestDevice(descriptor);
        } catch (err) {
          onError(err as Error);
          throw err;
        }
        // Make GPU validation errors fail the test file instead of only printing a warning.
        device.addEventListener('uncapturederror', (event) => {
          const message = (event as GPUUncapturedErrorEvent).error.message;
          webgpuErrors.push(message);
          process.exitCode = 1;
          console.error(`[webgpu] uncaptured error: ${message}`);
        });
        device.lost.then((lost) => {
          if (lost.reason !== 'destroyed') {
            webgpuErrors.push(`device lost: ${lost.message}`);
            process.exitCode = 1;
            console.error(`[webgpu] device lost (${lost.reason}): ${lost.message}`);
          }
        }, () => {});
        return device;
      };
      return adapter;
    },
  };
  Object.defineProperty(globalThis, 'navigator', {
    value: {...(globalThis as {navigator?: object}).navigator, gpu},
    configurable: true,
    writable: true,
  });
}

/**
 * A tensor's values as a plain number[] on any backend (booleans as 0/1). Uses
 * `await t.data()`: dataSync() / arraySync() throw on webgpu in Node.
 */
export async function readValues(t: tf.Tensor): Promise<number[]> {
  if (t.dtype === 'string') throw new Error('readValues: string tensors are not supported');
  return Array.from(await t.data() as Float32Array | Int32Array | Uint8Array);
}

/** Values as a nested array shaped like the tensor (`await t.array()`, never arraySync). */
export async function readArray(t: tf.Tensor): Promise<number | unknown[]> {
  return t.array() as Promise<number | unknown[]>;
}
