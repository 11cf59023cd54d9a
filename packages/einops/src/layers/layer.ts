import type * as tf from '@tensorflow/tfjs-core';

/**
 * What an einops layer offers a module system (such as @vit/core's `nn.Module`), which registers
 * it as a child: a synchronous forward, its own trainable variables under PyTorch's names
 * (`weight`, `bias`), and disposal of those variables.
 */
export interface EinopsLayer {
  forward(x: tf.Tensor): tf.Tensor;
  namedParameters(): Record<string, tf.Variable>;
  dispose(): void;
}
