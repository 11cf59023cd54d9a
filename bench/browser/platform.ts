/// <reference types="vite/client" />
/** The browser environment: files fetched from the driver's server, the browser's own WebGPU, ort-web in Web Workers. */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { Platform } from '../lib/platform.js';
import { captureGpu } from '../lib/webgpu.js';
import { createOrtWebPeer, type Request, type Response, type WorkerPort } from '../peers/ort-web-protocol.js';

function ortWebWorker(): WorkerPort {
  const worker = new Worker(new URL('./ort-web-worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (message: Request, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.addEventListener('message', (e: MessageEvent<Response>) => listener(e.data)),
    onError: (listener) => worker.addEventListener('error', (e) => listener(new Error(e.message || 'worker error'))),
    terminate: () => worker.terminate(),
  };
}

export function browserPlatform(log: (line: string) => void): Platform {
  return {
    assets: {
      async bytes(name) {
        const response = await fetch(`/assets/${name}`);
        if (!response.ok) throw new Error(`GET /assets/${name}: ${response.status} ${response.statusText}`);
        return new Uint8Array(await response.arrayBuffer());
      },
    },
    describe: () => {
      const chrome = /(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(navigator.userAgent)?.[1];
      return {
        name: 'chromium',
        runtime: chrome ? `Chromium ${chrome}` : navigator.userAgent,
        userAgent: navigator.userAgent,
        // The page cannot see the CPU model; the driver fills it in.
        cpu: { model: '?', cores: navigator.hardwareConcurrency },
        platform: navigator.platform,
        crossOriginIsolated: self.crossOriginIsolated,
      };
    },
    async installGpu() {
      if (!('gpu' in navigator)) throw new Error('this browser has no navigator.gpu (Chromium needs --enable-unsafe-webgpu and a page on http://127.0.0.1)');
      const capture = captureGpu(navigator.gpu);
      Object.defineProperty(navigator, 'gpu', { value: capture.gpu, configurable: true });
      return capture;
    },
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
    },
    createPeers: () => [createOrtWebPeer(1, ortWebWorker()), createOrtWebPeer(2, ortWebWorker())],
    log,
  };
}
