/**
 * Data-movement kernels for the WASM backend, written in JS against its heap (einops' lowering
 * uses them for per-slice matMuls; @vit/core for attention's chunks).
 *
 * Why: tfjs-backend-wasm's Slice / SplitV / Unpack read their input with `readSync`, which copies
 * the WHOLE input for every output, so unstacking [B, m, k] into B slices costs O(B² m k): 30 s
 * for a training step. These kernels copy each element once, straight between heap views.
 * UNSTACK / STACK / CONCAT_LAST are only called inside `customGrad` ops (they have no gradients).
 */
import * as tf from '@tensorflow/tfjs-core';
import { product } from './layout.js';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): TypedArray;
}

const UNSTACK = 'VitCoreUnstack';
const STACK = 'VitCoreStack';
const SPLIT_LAST = 'VitCoreSplitLast';
const CONCAT_LAST = 'VitCoreConcatLast';

/** Inputs named '0', '1', ... in that order (how the variadic kernels below take their parts). */
function numberedInputs(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  return Object.keys(inputs).sort((a, b) => Number(a) - Number(b)).map((key) => inputs[key] as tf.TensorInfo);
}

/** Output tensors are allocated before any heap view is taken: an allocation can grow (and detach) the heap. */
const kernels: tf.KernelConfig[] = [
  {
    // x [n, ...rest] -> n tensors [...rest]
    kernelName: UNSTACK, backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const x = inputs['x'] as tf.TensorInfo;
      const [n, ...rest] = x.shape;
      const size = product(rest);
      const outs = Array.from({ length: n! }, () => wasm.makeOutput(rest, x.dtype));
      const src = wasm.typedArrayFromHeap(x);
      outs.forEach((out, i) => wasm.typedArrayFromHeap(out).set(src.subarray(i * size, (i + 1) * size)));
      return outs;
    },
  },
  {
    // n tensors [...rest] -> [n, ...rest]
    kernelName: STACK, backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const parts = numberedInputs(inputs);
      const first = parts[0]!;
      const size = product(first.shape);
      const out = wasm.makeOutput([parts.length, ...first.shape], first.dtype);
      const dst = wasm.typedArrayFromHeap(out);
      parts.forEach((part, i) => dst.set(wasm.typedArrayFromHeap(part), i * size));
      return out;
    },
  },
  {
    // x [rows, k·c] -> k tensors [rows, c]
    kernelName: SPLIT_LAST, backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackend;
      const x = inputs['x'] as tf.TensorInfo;
      const k = (attrs as { chunks: number }).chunks;
      const [rows, width] = x.shape as [number, number];
      const c = width / k;
      const outs = Array.from({ length: k }, () => wasm.makeOutput([rows, c], x.dtype));
      const src = wasm.typedArrayFromHeap(x);
      outs.forEach((out, j) => {
        const dst = wasm.typedArrayFromHeap(out);
        for (let r = 0; r < rows; r++) dst.set(src.subarray(r * width + j * c, r * width + (j + 1) * c), r * c);
      });
      return outs;
    },
  },
  {
    // k tensors [rows, c] -> [rows, k·c]
    kernelName: CONCAT_LAST, backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const parts = numberedInputs(inputs);
      const [rows, c] = parts[0]!.shape as [number, number];
      const width = c * parts.length;
      const out = wasm.makeOutput([rows, width], parts[0]!.dtype);
      const dst = wasm.typedArrayFromHeap(out);
      parts.forEach((part, j) => {
        const src = wasm.typedArrayFromHeap(part);
        for (let r = 0; r < rows; r++) dst.set(src.subarray(r * c, (r + 1) * c), r * width + j * c);
      });
      return out;
    },
  },
];

/** SPLIT_LAST is differentiable (its outputs are used under gradient tapes): dx = concat of the dys. */
const gradients: tf.GradConfig[] = [
  { kernelName: SPLIT_LAST, gradFunc: (dys) => ({ x: () => wasmConcatLast(dys as tf.Tensor[]) }) },
];

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  for (const config of kernels) if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  for (const config of gradients) if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  registered = true;
}

function run(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, number> = {}): tf.Tensor | tf.Tensor[] {
  ensureRegistered();
  return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
}

/** A kernel with any number of outputs: tfjs returns a lone output unwrapped. */
function runMany(name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, number>): tf.Tensor[] {
  const out = run(name, inputs, attrs);
  return Array.isArray(out) ? out : [out];
}

/** [n, ...rest] -> n tensors [...rest]. */
export function wasmUnstack(x: tf.Tensor): tf.Tensor[] {
  return runMany(UNSTACK, { x });
}

/** n same-shaped tensors -> [n, ...shape]. */
export function wasmStack(parts: tf.Tensor[]): tf.Tensor {
  return run(STACK, Object.fromEntries(parts.map((p, i) => [String(i), p]))) as tf.Tensor;
}

/** [rows, k·c] -> k tensors [rows, c] (differentiable). */
export function wasmSplitLast(x: tf.Tensor, chunks: number): tf.Tensor[] {
  return runMany(SPLIT_LAST, { x }, { chunks });
}

/** k tensors [rows, c] -> [rows, k·c]. */
export function wasmConcatLast(parts: tf.Tensor[]): tf.Tensor {
  return run(CONCAT_LAST, Object.fromEntries(parts.map((p, i) => [String(i), p]))) as tf.Tensor;
}
