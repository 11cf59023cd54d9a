/**
 * `setBackend` for Node: as the main entry's, and for webgpu it first provides `navigator.gpu` from
 * the `webgpu` npm package (Dawn) when the environment has none, because tfjs-backend-webgpu only
 * registers itself if `navigator.gpu` exists when it is imported.
 */
import { setBackend as setBackendBase, type BackendName, type SetBackendOptions } from '../backend.js';

export interface NodeSetBackendOptions extends SetBackendOptions {
  webgpu?: {
    /** Dawn toggles for `create()`, e.g. ['backend=opengles'] for Mesa llvmpipe without a GPU. */
    dawnOptions?: string[];
    /** Adapter feature level; 'compatibility' is needed on Dawn's OpenGL ES backend. */
    featureLevel?: 'core' | 'compatibility';
  };
}

export async function setBackend(name: BackendName, options: NodeSetBackendOptions = {}): Promise<void> {
  if (name === 'webgpu' && (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu === undefined) {
    await installNavigatorGpu(options.webgpu ?? {});
  }
  await setBackendBase(name, options);
}

async function installNavigatorGpu({ dawnOptions = [], featureLevel }: NonNullable<NodeSetBackendOptions['webgpu']>): Promise<void> {
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (err) {
    throw new Error("webgpu in Node needs the 'webgpu' npm package (npm install webgpu)", { cause: err });
  }
  Object.assign(globalThis, webgpu.globals);
  const dawn = webgpu.create(dawnOptions);
  const gpu = featureLevel === undefined ? dawn : {
    getPreferredCanvasFormat: () => dawn.getPreferredCanvasFormat(),
    get wgslLanguageFeatures() { return dawn.wgslLanguageFeatures; },
    requestAdapter: (options?: object) => dawn.requestAdapter({ ...options, featureLevel } as Parameters<typeof dawn.requestAdapter>[0]),
  };
  const previous = (globalThis as { navigator?: object }).navigator;
  Object.defineProperty(globalThis, 'navigator', { value: { ...previous, gpu }, configurable: true, writable: true });
}
