/**
 * `navigator.gpu` in Node from the `webgpu` npm package (Dawn), as test/support/backend.ts sets it
 * up (see test/README.md), with one difference: unless VIT_WEBGPU_DAWN_BACKEND says otherwise, it
 * first takes Dawn's default adapter at the core feature level, so a machine with a GPU gets its
 * real (Vulkan) adapter; only when that is missing or a software one does it use Mesa llvmpipe
 * through Dawn's OpenGL ES backend ('compatibility' level, EGL_PLATFORM=surfaceless), which is
 * ~13x faster than SwiftShader. Must run before @tensorflow/tfjs-backend-webgpu is imported.
 */
import { captureGpu, describeAdapter, type GpuCapture } from './webgpu.js';

export async function installDawnGpu(): Promise<GpuCapture> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  process.env['EGL_PLATFORM'] ??= 'surfaceless';
  const forced = process.env['VIT_WEBGPU_DAWN_BACKEND'];
  const levelFor = (backend: string): string =>
    process.env['VIT_WEBGPU_FEATURE_LEVEL'] || (backend === 'opengles' || backend === 'opengl' ? 'compatibility' : 'core');

  const tryBackend = async (backend: string): Promise<{ gpu: GPU; featureLevel: string; software: boolean } | undefined> => {
    const featureLevel = levelFor(backend);
    const gpu = create(backend === 'default' ? [] : [`backend=${backend}`]);
    const adapter = await gpu.requestAdapter({ featureLevel } as GPURequestAdapterOptions).catch(() => null);
    return adapter === null ? undefined : { gpu, featureLevel, software: describeAdapter(adapter).isSoftware };
  };

  let chosen: { gpu: GPU; featureLevel: string; backend: string } | undefined;
  if (forced) {
    const got = await tryBackend(forced);
    if (got !== undefined) chosen = { ...got, backend: forced };
  } else {
    const native = await tryBackend('default');
    if (native !== undefined && !native.software) chosen = { ...native, backend: 'default' };
    else {
      const gles = await tryBackend('opengles');
      if (gles !== undefined) chosen = { ...gles, backend: 'opengles' };
      else if (native !== undefined) chosen = { ...native, backend: 'default' };
    }
  }
  if (chosen === undefined) {
    throw new Error(`no WebGPU adapter from Dawn (${forced ? `backend=${forced}` : 'default backend, then opengles'}); ` +
      'without a GPU Dawn needs Mesa llvmpipe: libegl-dev libegl1 libegl-mesa0 libgl1-mesa-dri (see test/README.md)');
  }
  const capture = captureGpu(chosen.gpu, { featureLevel: chosen.featureLevel, dawnBackend: chosen.backend });
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(globalThis as { navigator?: object }).navigator, gpu: capture.gpu },
    configurable: true,
    writable: true,
  });
  return capture;
}
