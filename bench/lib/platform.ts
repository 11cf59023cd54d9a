/**
 * What differs between Node and the browser page: where files come from, how WebGPU is provided,
 * where the tfjs WASM binaries are, which ONNX peers exist, and how the host is described.
 */
import type { OnnxPeer } from '../peers/peer.js';
import type { EnvironmentInfo } from './results.js';
import type { GpuCapture } from './webgpu.js';

export interface Assets {
  /**
   * A file's bytes: 'peers/<file>' from the shared peer directory (ViT-Ti/16, inputs, torch logits),
   * 'cache/<file>' from what bench/node/prepare.ts generated (S/16, B/16, our ONNX graphs).
   * A buffer of its own (it may be transferred to a worker).
   */
  bytes(name: string): Promise<Uint8Array>;
}

export interface Platform {
  assets: Assets;
  /** Host description: everything in EnvironmentInfo except the backends. */
  describe(): Omit<EnvironmentInfo, 'backends'>;
  /** Provides `navigator.gpu` (wrapped, see webgpu.ts) before tfjs-backend-webgpu is imported. */
  installGpu(): Promise<GpuCapture>;
  /** tfjs-backend-wasm's setWasmPaths argument, when bundled. */
  wasmPaths?: string | Record<string, string>;
  createPeers(): OnnxPeer[];
  log(line: string): void;
}
