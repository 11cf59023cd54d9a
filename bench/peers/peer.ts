/**
 * An ONNX runtime measured next to tfjs on the same weights: onnxruntime-node in process, or
 * onnxruntime-web in a worker (one worker per thread count: onnxruntime-web fixes its thread pool
 * when its WebAssembly module starts, so 1 and 2 threads cannot share a module instance).
 */
import type { BackendInfo } from '../lib/results.js';

export interface OnnxPeer {
  /** 'ort-node', 'ort-web-1t', 'ort-web-2t'. */
  readonly key: string;
  readonly runtime: 'onnxruntime-web' | 'onnxruntime-node';
  /** For results: 'cpu' (native), 'wasm-1t', 'wasm-2t'. */
  readonly backend: string;
  /** Version, threads, SIMD; filled in once the first session exists. */
  info(): BackendInfo;
  /** Creates a session `id` from ONNX bytes (the bytes may be transferred: do not reuse them). */
  open(id: string, onnx: Uint8Array): Promise<void>;
  /** Sets the (float32) input the session runs on. */
  setInput(id: string, name: string, data: Float32Array, dims: number[]): Promise<void>;
  /** `calls` consecutive runs; resolves when the last output is on the CPU. */
  run(id: string, calls: number): Promise<void>;
  /** The first output of the last run since setInput (one more run if there was none). */
  output(id: string): Promise<Float32Array>;
  close(id: string): Promise<void>;
  dispose(): Promise<void>;
}
