/** Images to model input, the same way for `vit predict` and the browser example: resize, normalise, NCHW. */
import * as tf from '@tensorflow/tfjs-core';
import { makeBatch, type Normalization } from './augment.js';
import { resizeImage, type RgbImage } from './resize.js';

/** A [n, 3, size, size] float32 batch (the caller disposes it). */
export function imageBatch(images: readonly RgbImage[], size: number, normalization: Normalization): tf.Tensor4D {
  const pixels = new Uint8Array(images.length * size * size * 3);
  images.forEach((image, i) => pixels.set(resizeImage(image, size, size).data, i * size * size * 3));
  const { images: batch, labels } = makeBatch({ name: 'input', classNames: [], pixels, labels: new Int32Array(images.length), height: size, width: size, channels: 3 },
    Int32Array.from(images.keys()), normalization);
  labels.dispose();
  return batch;
}
