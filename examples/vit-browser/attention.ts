/**
 * The class token's attention over the image patches, from `Recorder`'s [1, depth, heads, n, n]:
 * the last layer's (averaged over heads), or attention rollout (Abnar & Zuidema 2020: each layer's
 * head-averaged attention mixed half-and-half with the identity for the residual path, multiplied
 * through the layers), which shows what the class token draws on through the whole network.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rearrange, reduce } from '@vit/einops';

export const ATTENTION_MODES = ['rollout', 'last'] as const;
export type AttentionMode = (typeof ATTENTION_MODES)[number];

/**
 * A [grid, grid] map (sums to at most 1: the class token's share on the patches). The patch tokens
 * are the last grid² of the n tokens; those before them (class token, distillation token) are left out.
 */
export function classTokenAttention(attns: tf.Tensor, grid: number, mode: AttentionMode): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, depth, , n] = attns.shape as number[];
    if (batch !== 1) throw new Error(`one image at a time, got a batch of ${batch}`);
    const prefix = n! - grid * grid;
    if (prefix < 1) throw new Error(`${n} tokens cannot hold a class token and a ${grid}x${grid} patch grid`);
    const layers = reduce(attns, '1 l h i j -> l i j', 'mean'); // [depth, n, n]
    let rows: tf.Tensor2D;
    if (mode === 'last') {
      rows = tf.squeeze(tf.slice(layers, [depth! - 1, 0, 0], [1, n!, n!]), [0]) as tf.Tensor2D;
    } else {
      const eye = tf.eye(n!);
      const mixed = tf.unstack(layers).map((a) => tf.add(tf.mul(a, 0.5), tf.mul(eye, 0.5)) as tf.Tensor2D);
      rows = mixed.reduce((rollout, a) => tf.matMul(a, rollout)); // later layers on the left
    }
    const fromClass = tf.slice(rows, [0, prefix], [1, grid * grid]);
    return rearrange(fromClass, '1 (gh gw) -> gh gw', { gh: grid }) as tf.Tensor2D;
  });
}
