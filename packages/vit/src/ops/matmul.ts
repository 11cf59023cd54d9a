/**
 * torch.matmul for same-shaped batch dims: a [..., m, k] · b [..., k, n] (or b [..., n, k] with
 * `transposeB`, i.e. `torch.matmul(a, b.transpose(-1, -2))`). Attention's q·kᵀ and attn·v.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.js';
import { prefersPlain2dMatMul } from './strategy.js';
import { wasmStack, wasmUnstack } from './wasm-kernels.js';

/** Below this many multiply-adds per slice, one batched kernel beats a loop of 2-D calls. */
const PER_SLICE_MIN_WORK = 16 * 16 * 16;

export function matmul(a: tf.Tensor, b: tf.Tensor, { transposeB = false }: { transposeB?: boolean } = {}): tf.Tensor {
  if (a.rank < 2 || a.rank !== b.rank) {
    throw new Error(`matmul: operands must have the same rank >= 2, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  const batchShape = a.shape.slice(0, -2);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [kb, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (k !== kb || b.shape.slice(0, -2).some((d, i) => d !== batchShape[i])) {
    throw new Error(`matmul: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]${transposeB ? ' (b transposed)' : ''} do not match`);
  }
  const batch = batchShape.reduce((x, y) => x * y, 1);
  return tf.tidy(() => {
    const a3 = tf.reshape(a, [batch, m, k]);
    const b3 = tf.reshape(b, [batch, bRows, bCols]);
    const perSlice = prefersPlain2dMatMul() && batch > 0 && m * k * n >= PER_SLICE_MIN_WORK && a.dtype === 'float32';
    const y = perSlice ? (transposeB ? slicedMatMulBT(a3, b3) : slicedMatMul(a3, b3))
      : tf.matMul(a3 as tf.Tensor3D, b3 as tf.Tensor3D, false, transposeB);
    return tf.reshape(y, [...batchShape, m, n]);
  });
}

/** Per-slice un-transposed 2-D products (WASM's XNNPACK path): [B, m, k] x [B, k, n] -> [B, m, n]. */
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
const slicedMatMul = customGrad((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: products(a, b),
    gradFunc: (dy: tf.Tensor, [as, bs]: tf.Tensor[]) => [products(dy, swap(bs!)), products(swap(as!), dy)],
  };
});

// y = a·bᵀ (b is [B, n, k]);  da = dy·b,  db = dyᵀ·a
const slicedMatMulBT = customGrad((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: products(a, swap(b)),
    gradFunc: (dy: tf.Tensor, [as, bs]: tf.Tensor[]) => [products(dy, bs!), products(swap(dy), as!)],
  };
});
