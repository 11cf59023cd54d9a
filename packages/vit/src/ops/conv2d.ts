/**
 * 2-D convolution on NHWC input with PyTorch's `groups`, whose gradients run on every backend:
 * tfjs-backend-wasm has no Conv2DBackpropFilter and no depthwise backprop kernels, so both the
 * weight and the input gradients are written here from sliding windows (im2col / col2im, see
 * windows.ts) and un-transposed 2-D matMuls (WASM's XNNPACK fast path). Forward passes use tfjs'
 * own Conv2D / DepthwiseConv2dNative kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { columnSum } from './column-sum.js';
import { customGrad } from './custom-grad.js';
import { planWindows, unwindows, windows, type WindowGeometry, type WindowPlan } from './windows.js';

/**
 * x [n, h, w, cin] ⊛ filter [kh, kw, cin / groups, cout] (HWIO; output channel o belongs to group
 * o / (cout / groups), as in PyTorch) → [n, outH, outW, cout].
 */
export function conv2dGrouped(x: tf.Tensor, filter: tf.Tensor, geometry: WindowGeometry, groups = 1): tf.Tensor {
  const [n, h, w, cin] = x.shape as [number, number, number, number];
  const [kh, kw, cinGroup, cout] = filter.shape as [number, number, number, number];
  if (x.rank !== 4 || filter.rank !== 4 || kh !== geometry.kernel[0] || kw !== geometry.kernel[1]) {
    throw new Error(`conv2d: input [${x.shape.join(', ')}] / filter [${filter.shape.join(', ')}] do not match a ${geometry.kernel.join('x')} kernel`);
  }
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0 || cinGroup * groups !== cin) {
    throw new Error(`conv2d: ${cin} input and ${cout} output channels with groups=${groups} need a filter with ${cin / groups} input channels, got [${filter.shape.join(', ')}]`);
  }
  const plan = planWindows(h, w, geometry);
  if (n === 0 || cout === 0) return tf.zeros([n, plan.outHeight, plan.outWidth, cout]);
  if (groups === 1) return dense(plan)(x, filter);
  if (groups === cin) return depthwise(plan)(x, filter);
  return tf.tidy(() => {
    const xs = tf.split(x, groups, 3);
    const fs = tf.split(filter, groups, 3);
    return tf.concat(xs.map((xi, g) => dense(plan)(xi, fs[g]!)), 3);
  });
}

function explicitPadding(p: WindowPlan): [[number, number], [number, number], [number, number], [number, number]] {
  return [[0, 0], [p.padding[0], p.padding[1]], [p.padding[2], p.padding[3]], [0, 0]];
}

/** The windows of x as im2col rows [n·outH·outW, kh·kw·cin] (column order (i, j, c), the HWIO filter's). */
function im2col(x: tf.Tensor, p: WindowPlan): tf.Tensor {
  const parts = windows(x, p);
  const cols = parts.length === 1 ? parts[0]! : tf.concat(parts, 3);
  if (cols !== parts[0]) tf.dispose(parts);
  return tf.reshape(cols, [-1, cols.shape[3]!]);
}

function dense(p: WindowPlan): (x: tf.Tensor, filter: tf.Tensor) => tf.Tensor {
  return customGrad((x: tf.Tensor, filter: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, filter]);
    const value = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, p.stride as [number, number], explicitPadding(p), 'NHWC', p.dilation as [number, number]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [xs, fs]: tf.Tensor[]) => {
        const [kh, kw, cin, cout] = fs!.shape as [number, number, number, number];
        const dy2 = tf.reshape(dy, [-1, cout]);
        // dW = colsᵀ·dy; dx = col2im(dy·Wᵀ) — explicit transposes keep both products un-transposed.
        const dw = tf.reshape(tf.matMul(tf.transpose(im2col(xs!, p)) as tf.Tensor2D, dy2 as tf.Tensor2D), fs!.shape);
        const dcols = tf.matMul(dy2 as tf.Tensor2D, tf.transpose(tf.reshape(fs!, [kh * kw * cin, cout])) as tf.Tensor2D);
        const [n] = xs!.shape;
        const parts = tf.split(tf.reshape(dcols, [n!, p.outHeight, p.outWidth, kh * kw * cin]), kh * kw, 3);
        return [unwindows(parts, p), dw];
      },
    };
  });
}

function depthwise(p: WindowPlan): (x: tf.Tensor, filter: tf.Tensor) => tf.Tensor {
  return customGrad((x: tf.Tensor, filter: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, filter]);
    const [kh, kw, , cout] = filter.shape as [number, number, number, number];
    const cin = x.shape[3]!;
    const mult = cout / cin;
    const padded = tf.pad(x, explicitPadding(p));
    const value = tf.depthwiseConv2d(padded as tf.Tensor4D, tf.reshape(filter, [kh, kw, cin, mult]) as tf.Tensor4D,
      p.stride as [number, number], 'valid', 'NHWC', p.dilation as [number, number]);
    padded.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor, [xs, fs]: tf.Tensor[]) => {
        const [n] = xs!.shape as [number];
        const rows = n * p.outHeight * p.outWidth;
        const dyg = tf.reshape(dy, [rows, cin, mult]);
        const taps = tf.unstack(tf.reshape(fs!, [kh * kw, cin, mult]));
        // dW[i, j, c, m] = Σ window(i, j)[·, c]·dy[·, c, m] (column sums on XNNPACK); dx = col2im(Σ_m dy·W).
        const dw = windows(xs!, p).map((win) => columnSum(tf.reshape(tf.mul(tf.reshape(win, [rows, cin, 1]), dyg), [rows, cout])));
        const dcols = taps.map((tap) => {
          const t = mult === 1 ? tf.mul(dyg, tap) : tf.sum(tf.mul(dyg, tap), 2);
          return tf.reshape(t, [n, p.outHeight, p.outWidth, cin]);
        });
        return [unwindows(dcols, p), tf.reshape(tf.stack(dw), fs!.shape)];
      },
    };
  });
}
