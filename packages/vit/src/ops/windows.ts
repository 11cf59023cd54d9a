/**
 * Sliding windows over the spatial axes of an NHWC tensor, built from plain slices (im2col without
 * strided slicing): the padded input is reshaped to [n, hq/s, s, ...] so that the rows
 * `a, a + s, a + 2s, ...` of kernel offset `a` are one ordinary slice (the same for columns). Slices and pads have
 * gradients on every backend, so everything built on windows trains on WASM too.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface WindowGeometry {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Zero padding [top, bottom, left, right]. */
  readonly padding: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
}

export interface WindowPlan extends WindowGeometry {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  /** Padded (and rounded up to the stride) extent of the reshaped input. */
  readonly padHeight: number;
  readonly padWidth: number;
}

export function planWindows(inHeight: number, inWidth: number, g: WindowGeometry): WindowPlan {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [pt, pb, pl, pr] = g.padding;
  const outHeight = Math.floor((inHeight + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const outWidth = Math.floor((inWidth + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  if (!(outHeight > 0 && outWidth > 0)) {
    throw new Error(`windows: a ${kh}x${kw} kernel (dilation ${dh}x${dw}, padding ${g.padding.join(', ')}) does not fit a ${inHeight}x${inWidth} input`);
  }
  const round = (need: number, have: number, s: number): number => Math.ceil(Math.max(need, have) / s) * s;
  const padHeight = round(dh * (kh - 1) + sh * outHeight, inHeight + pt, sh);
  const padWidth = round(dw * (kw - 1) + sw * outWidth, inWidth + pl, sw);
  return { ...g, inHeight, inWidth, outHeight, outWidth, padHeight, padWidth };
}

/** The input zero-padded (and cropped) to [n, padHeight, padWidth, c]. */
function padded(x: tf.Tensor, p: WindowPlan): tf.Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [pt, , pl] = p.padding;
  const full = tf.pad(x, [[0, 0], [pt, Math.max(0, p.padHeight - h - pt)], [pl, Math.max(0, p.padWidth - w - pl)], [0, 0]]);
  return full.shape[1] === p.padHeight && full.shape[2] === p.padWidth ? full : tf.slice(full, [0, 0, 0, 0], [n, p.padHeight, p.padWidth, c]);
}

/** Where kernel offset (i, j) starts in the reshaped input. */
function origin(p: WindowPlan, i: number, j: number): [number, number, number, number] {
  const a = i * p.dilation[0];
  const b = j * p.dilation[1];
  return [Math.floor(a / p.stride[0]), a % p.stride[0], Math.floor(b / p.stride[1]), b % p.stride[1]];
}

/**
 * x [n, h, w, c] → kh·kw tensors [n, outH, outW, c], row-major over (i, j): window (i, j) holds
 * x[ho·s + i·d − pad, wo·s + j·d − pad] (zero outside).
 */
export function windows(x: tf.Tensor, p: WindowPlan): tf.Tensor[] {
  return tf.tidy(() => {
    const [n, , , c] = x.shape as [number, number, number, number];
    const [sh, sw] = p.stride;
    const xp = padded(x, p);
    // Only rank-4 slices: tfjs-backend-wasm slices rank > 4 element by element (~1000x slower).
    // Strided rows: [n, hq/s, s, wq·c] then strided columns: [n·outH, wq/s, s, c].
    const rows = tf.reshape(xp, [n, p.padHeight / sh, sh, p.padWidth * c]);
    const out: tf.Tensor[] = [];
    for (let i = 0; i < p.kernel[0]; i++) {
      for (let j = 0; j < p.kernel[1]; j++) {
        const [h0, hr, w0, wr] = origin(p, i, j);
        if (sh === 1 && sw === 1) {
          out.push(tf.slice(xp, [0, h0, w0, 0], [n, p.outHeight, p.outWidth, c]));
          continue;
        }
        const r = tf.reshape(tf.slice(rows, [0, h0, hr, 0], [n, p.outHeight, 1, p.padWidth * c]), [n * p.outHeight, p.padWidth / sw, sw, c]);
        out.push(tf.reshape(tf.slice(r, [0, w0, wr, 0], [n * p.outHeight, p.outWidth, 1, c]), [n, p.outHeight, p.outWidth, c]));
      }
    }
    return out;
  });
}

/** The adjoint of `windows` (col2im): sums each window [n, outH, outW, c] back into [n, h, w, c]. */
export function unwindows(parts: tf.Tensor[], p: WindowPlan): tf.Tensor {
  return tf.tidy(() => {
    const [n, , , c] = parts[0]!.shape as [number, number, number, number];
    const hq = p.padHeight / p.stride[0];
    const wq = p.padWidth / p.stride[1];
    const placed: tf.Tensor[] = [];
    let k = 0;
    for (let i = 0; i < p.kernel[0]; i++) {
      for (let j = 0; j < p.kernel[1]; j++) {
        const [h0, hr, w0, wr] = origin(p, i, j);
        const t = tf.reshape(parts[k++]!, [n, p.outHeight, 1, p.outWidth, 1, c]);
        placed.push(tf.pad(t, [[0, 0], [h0, hq - h0 - p.outHeight], [hr, p.stride[0] - hr - 1], [w0, wq - w0 - p.outWidth], [wr, p.stride[1] - wr - 1], [0, 0]]));
      }
    }
    const sum = tf.reshape(placed.length === 1 ? placed[0]! : tf.addN(placed), [n, p.padHeight, p.padWidth, c]);
    const [pt, , pl] = p.padding;
    const h = Math.min(p.inHeight, p.padHeight - pt);
    const w = Math.min(p.inWidth, p.padWidth - pl);
    const inside = tf.slice(sum, [0, pt, pl, 0], [n, h, w, c]);
    // Input rows/columns no window reaches get zero gradient.
    return h === p.inHeight && w === p.inWidth ? inside : tf.pad(inside, [[0, 0], [0, p.inHeight - h], [0, p.inWidth - w], [0, 0]]);
  });
}
