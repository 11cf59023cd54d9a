/**
 * `[B, m, k] · [B, k, n] -> [B, m, n]` (or `· [B, n, k]ᵀ` with `transposeB`), the product behind
 * einsum contractions and attention. Per-backend strategy, decided here: on WASM only un-batched,
 * un-transposed 2-D matMuls take XNNPACK's fast path (the batched kernel is a scalar loop ~10x
 * slower), so there the batch runs as 2-D products — with gradients that are 2-D products too, so
 * training stays on the fast path. Elsewhere it is one batched matMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.js';
import { wasmStack, wasmUnstack } from './wasm-kernels.js';

/** Below this many multiply-adds per slice, one batched kernel beats a loop of 2-D calls. */
const PER_SLICE_MIN_WORK = 16 * 16 * 16;

/** Whether the active backend prefers 2-D matMuls (WASM's XNNPACK fast path). */
export function prefersPlain2dMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * How einsum should lay out matMul operands on the active backend:
 * - `plain` (WASM): [m, k] x [k, n] only — XNNPACK's fast path takes no transposed operand, so data moves;
 * - `free`: an operand already laid out transposed is read as it is (`transposeA` / `transposeB`);
 * - `rowMajorB` (cpu): as `free`, and a right operand that must move anyway moves into [n, k] — the
 *   cpu kernel's inner loop then reads both operands contiguously (~1.7x on attention scores).
 */
export type MatMulLayout = 'plain' | 'free' | 'rowMajorB';

export function preferredMatMulLayout(): MatMulLayout {
  const backend = tf.getBackend();
  return backend === 'wasm' ? 'plain' : backend === 'cpu' ? 'rowMajorB' : 'free';
}

export interface MatMulFlags {
  /** `a` is [B, k, m]. */
  transposeA?: boolean;
  /** `b` is [B, n, k]. */
  transposeB?: boolean;
}

export function batchedMatMul(a: tf.Tensor3D, b: tf.Tensor3D, { transposeA = false, transposeB = false }: MatMulFlags = {}): tf.Tensor3D {
  const [batch, m, k] = transposeA ? [a.shape[0], a.shape[2], a.shape[1]] : a.shape;
  const n = transposeB ? b.shape[1] : b.shape[2];
  const perSlice = prefersPlain2dMatMul() && batch > 0 && m * k * n >= PER_SLICE_MIN_WORK && a.dtype === 'float32';
  if (!perSlice) return tf.matMul(a, b, transposeA, transposeB);
  // XNNPACK's 2-D path takes a as [m, k]: a transposed `a` is copied into that layout first.
  return tf.tidy(() => {
    const plainA = transposeA ? swap(a) : a;
    return (transposeB ? slicedMatMulBT(plainA, b) : slicedMatMul(plainA, b)) as tf.Tensor3D;
  });
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

// y = a·b;  da = dy·bᵀ,  db = aᵀ·dy
const slicedMatMul = customGrad<[tf.Tensor, tf.Tensor]>((a, b, save) => {
  save([a, b]);
  return {
    value: products(a, b),
    gradFunc: (dy, [as, bs]) => [products(dy, swap(bs!)), products(swap(as!), dy)],
  };
});

// y = a·bᵀ (b is [B, n, k]);  da = dy·b,  db = dyᵀ·a
const slicedMatMulBT = customGrad<[tf.Tensor, tf.Tensor]>((a, b, save) => {
  save([a, b]);
  return {
    value: products(a, swap(b)),
    gradFunc: (dy, [as, bs]) => [products(dy, bs!), products(swap(dy), as!)],
  };
});
