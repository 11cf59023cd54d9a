/**
 * torch.matmul for same-shaped batch dims: a [..., m, k] · b [..., k, n] (or b [..., n, k] with
 * `transposeB`, i.e. `torch.matmul(a, b.transpose(-1, -2))`). Attention's q·kᵀ and attn·v.
 * The per-backend strategy (2-D products on WASM) lives in einops' lowering, shared with einsum.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from '@vit/einops/kernels';

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
    const a3 = tf.reshape(a, [batch, m, k]) as tf.Tensor3D;
    const b3 = tf.reshape(b, [batch, bRows, bCols]) as tf.Tensor3D;
    return tf.reshape(batchedMatMul(a3, b3, { transposeB }), [...batchShape, m, n]);
  });
}
