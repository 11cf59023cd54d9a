/**
 * `[B, m, k] · [B, k, n] -> [B, m, n]` (or `· [B, n, k]ᵀ` with `transposeB`), the product behind
 * einsum contractions and attention. Per-backend strategy, decided here: on WASM only un-batched,
 * un-transposed 2-D matMuls take XNNPACK's fast path (the batched kernel is a scalar loop ~10x
 * slower), so there the batch runs as 2-D products — with gradients that are 2-D products too, so
 * training stays on the fast path. Elsewhere it is one batched matMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmStack, wasmUnstack } from './wasm-kernels.js';

/** Below this many multiply-adds per slice, one batched kernel beats a loop of 2-D calls. */
const PER_SLICE_MIN_WORK = 16 * 16 * 16;

/** Whether the active backend prefers 2-D matMuls (WASM's XNNPACK fast path). */
export function prefersPlain2dMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}

export function batchedMatMul(a: tf.Tensor3D, b: tf.Tensor3D, { transposeB = false }: { transposeB?: boolean } = {}): tf.Tensor3D {
  const [batch, m, k] = a.shape;
  const n = transposeB ? b.shape[1] : b.shape[2];
  const perSlice = prefersPlain2dMatMul() && batch > 0 && m * k * n >= PER_SLICE_MIN_WORK && a.dtype === 'float32';
  if (!perSlice) return tf.matMul(a, b, false, transposeB);
  return (transposeB ? slicedMatMulBT(a, b) : slicedMatMul(a, b)) as tf.Tensor3D;
}

/** Per-slice un-transposed 2-D products: [B, m, k] x [B, k, n] -> [B, m, n]. */
function products(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const as = wasmUnstack(a);
  const bs = wasmUnstack(b);
  const ys = as.map((ai, i) => tf.matMul(ai as tf.Tensor2D, bs[i] as tf.Tensor2D));
  const y = wasmStack(ys);
  tf.dispose([...as, ...bs, ...ys]);
  return y;
}

/** Swaps the last two axes of [B, r, c] (a real copy, so that the products stay un-transposed). */
function swap(t: tf.Tensor): tf.Tensor {
  return tf.transpose(t, [0, 2, 1]);
}

type Saved = tf.Tensor[];
function customGrad2(f: (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: Saved) => tf.Tensor[] }):
(a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

// y = a·b;  da = dy·bᵀ,  db = aᵀ·dy
const slicedMatMul = customGrad2((a, b, save) => {
  save([a, b]);
  return {
    value: products(a, b),
    gradFunc: (dy, [as, bs]) => [products(dy, swap(bs!)), products(swap(as!), dy)],
  };
});

// y = a·bᵀ (b is [B, n, k]);  da = dy·b,  db = dyᵀ·a
const slicedMatMulBT = customGrad2((a, b, save) => {
  save([a, b]);
  return {
    value: products(a, swap(b)),
    gradFunc: (dy, [as, bs]) => [products(dy, bs!), products(swap(dy), as!)],
  };
});
