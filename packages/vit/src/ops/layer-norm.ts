/**
 * Layer normalisation over the last `axes` axes: (x - mean)/√(var + eps)·weight + bias, with the
 * biased variance, as torch.nn.functional.layer_norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { columnSum } from './column-sum.js';
import { customGrad } from './custom-grad.js';
import { prefersPlain2dMatMul } from './strategy.js';

export function layerNorm(x: tf.Tensor, axes: number, weight: tf.Tensor | undefined, bias: tf.Tensor | undefined, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const lead = x.shape.slice(0, x.rank - axes);
    const size = x.shape.slice(x.rank - axes).reduce((a, b) => a * b, 1);
    const rows = lead.reduce((a, b) => a * b, 1);
    // One normalised axis: reductions stay within every backend's rank limits.
    const x2 = tf.reshape(x, [rows, size]);
    if (prefersPlain2dMatMul() && weight !== undefined && bias !== undefined && rows > 0 && size > 0) {
      return tf.reshape(fusedLayerNorm(eps)(x2, tf.reshape(weight, [size]), tf.reshape(bias, [size])), x.shape);
    }
    const { xhat } = normalise(x2, eps);
    let y: tf.Tensor = tf.reshape(xhat, x.shape);
    if (weight !== undefined) y = tf.mul(y, weight);
    if (bias !== undefined) y = tf.add(y, bias);
    return y;
  });
}

function normalise(x2: tf.Tensor, eps: number): { xhat: tf.Tensor; rstd: tf.Tensor } {
  const mean = tf.mean(x2, 1, true);
  const centred = tf.sub(x2, mean);
  const variance = tf.mean(tf.square(centred), 1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  return { xhat: tf.mul(centred, rstd), rstd };
}

const fusedOps = new Map<number, (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor>();

/**
 * One op with a hand-written gradient (used on WASM): fewer kernels than autodiff through the
 * normalisation, and the weight / bias gradients as column sums on XNNPACK.
 *   dx̂ = dy·w;  dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))·rstd;  dw = Σ dy·x̂;  db = Σ dy
 */
function fusedLayerNorm(eps: number): (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  let op = fusedOps.get(eps);
  if (op === undefined) {
    op = customGrad((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      const { xhat, rstd } = normalise(x, eps);
      save([xhat, rstd, w]);
      return {
        value: tf.add(tf.mul(xhat, w), b),
        gradFunc: (dy: tf.Tensor, [xh, rs, ws]: tf.Tensor[]) => {
          const dxhat = tf.mul(dy, ws!);
          const a = tf.mean(dxhat, 1, true);
          const c = tf.mean(tf.mul(dxhat, xh!), 1, true);
          const dx = tf.mul(tf.sub(tf.sub(dxhat, a), tf.mul(xh!, c)), rs!);
          return [dx, columnSum(tf.mul(dy, xh!)), columnSum(dy)];
        },
      };
    });
    fusedOps.set(eps, op);
  }
  return op;
}
