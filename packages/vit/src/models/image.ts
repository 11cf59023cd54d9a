import type * as tf from '@tensorflow/tfjs-core';

/** Checks an NCHW float32 image batch against a model's channels, patch size and position-embedding rows. */
export function checkImage(img: tf.Tensor, channels: number, [ph, pw]: [number, number], maxPatches: number, model: string): void {
  const shape = `[${img.shape.join(', ')}]`;
  if (img.rank !== 4) throw new Error(`${model}: expected an image batch [b, c, h, w], got shape ${shape}`);
  if (img.dtype !== 'float32') throw new Error(`${model}: expected a float32 image batch, got ${img.dtype}`);
  const [, c, h, w] = img.shape as [number, number, number, number];
  if (c !== channels) throw new Error(`${model}: expected ${channels} channels, got shape ${shape}`);
  if (h % ph !== 0 || w % pw !== 0) throw new Error(`${model}: image ${h}x${w} is not divisible by the patch size ${ph}x${pw}`);
  const patches = (h / ph) * (w / pw);
  if (patches > maxPatches) {
    throw new Error(`${model}: image ${h}x${w} has ${patches} patches, more than the ${maxPatches} position embeddings (built for a smaller image size)`);
  }
}
