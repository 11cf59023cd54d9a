/**
 * WebGPU adapter bookkeeping, for Node (Dawn) and browsers alike: wraps a `GPU` so that the adapter
 * tfjs-backend-webgpu asks for is recorded (vendor, architecture, fallback, software or not), an
 * adapter feature level can be injected (Dawn's OpenGL ES backend offers only 'compatibility'),
 * and uncaptured device errors are collected instead of only printed.
 */
import type { AdapterInfo } from './results.js';

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render/i;

export const SOFTWARE_LABEL = 'software — correctness only';

export function describeAdapter(adapter: GPUAdapter, extra: { featureLevel?: string; dawnBackend?: string } = {}): AdapterInfo {
  const info = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const isFallbackAdapter = Boolean(info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const fields = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  return {
    ...fields,
    isFallbackAdapter,
    isSoftware: isFallbackAdapter || SOFTWARE.test(Object.values(fields).join(' ')),
    ...extra,
  };
}

export interface GpuCapture {
  /** Put this where tfjs-backend-webgpu looks for it (`navigator.gpu`). */
  gpu: GPU;
  /** The last adapter handed out, described. */
  adapter(): AdapterInfo | undefined;
  /** Uncaptured device errors (validation, out of memory, device lost) so far. */
  errors: string[];
}

export function captureGpu(base: GPU, extra: { featureLevel?: string; dawnBackend?: string } = {}): GpuCapture {
  let described: AdapterInfo | undefined;
  const errors: string[] = [];
  const gpu = {
    getPreferredCanvasFormat: () => base.getPreferredCanvasFormat(),
    get wgslLanguageFeatures() { return base.wgslLanguageFeatures; },
    async requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null> {
      const request = extra.featureLevel === undefined ? options : { ...options, featureLevel: extra.featureLevel };
      const adapter = await base.requestAdapter(request as GPURequestAdapterOptions);
      if (adapter === null) return null;
      described = describeAdapter(adapter, extra);
      const requestDevice = adapter.requestDevice.bind(adapter);
      // tfjs calls adapter.requestDevice(); watch the device it gets.
      Object.defineProperty(adapter, 'requestDevice', {
        configurable: true,
        value: async (descriptor?: GPUDeviceDescriptor) => {
          const device = await requestDevice(descriptor);
          device.addEventListener('uncapturederror', (event) => {
            errors.push((event as GPUUncapturedErrorEvent).error.message);
          });
          void device.lost.then((lost) => { if (lost.reason !== 'destroyed') errors.push(`device lost: ${lost.message}`); }, () => {});
          return device;
        },
      });
      return adapter;
    },
  } as unknown as GPU;
  return { gpu, adapter: () => described, errors };
}
