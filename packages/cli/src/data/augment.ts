/**
 * Batches for training and evaluation: standard ViT augmentation (random crop with zero padding,
 * horizontal flip), normalisation, NCHW float32 — all seeded, so runs are reproducible.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from './dataset.js';
import { mulberry32, randint, type Random } from './random.js';

export interface Normalization {
  mean: [number, number, number];
  std: [number, number, number];
}

/** timm's default for ViTs trained from scratch on small data, and the Google checkpoints' one. */
export const HALF_NORMALIZATION: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

export interface AugmentOptions {
  /** Zero padding before a random crop back to the original size (4 for CIFAR). */
  cropPadding: number;
  flip: boolean;
}

/** Standard ViT training augmentation for `imageSize` images: crop padding of an eighth (4 for CIFAR's 32), flips. */
export function standardAugmentation(imageSize: number): AugmentOptions {
  return { cropPadding: Math.max(1, Math.round(imageSize / 8)), flip: true };
}

/** Fills `out` (CHW for one image) from the dataset's HWC image `index`, augmented. */
function writeImage(d: ImageDataset, index: number, out: Float32Array, offset: number, norm: Normalization,
  augment: AugmentOptions | undefined, random: Random): void {
  const { height: h, width: w, channels: c } = d;
  const pad = augment?.cropPadding ?? 0;
  const dy = pad > 0 ? randint(random, -pad, pad + 1) : 0;
  const dx = pad > 0 ? randint(random, -pad, pad + 1) : 0;
  const flip = augment?.flip === true && random() < 0.5;
  const base = index * h * w * c;
  for (let ch = 0; ch < c; ch++) {
    const mean = norm.mean[ch] ?? 0.5;
    const std = norm.std[ch] ?? 0.5;
    const zero = (0 - mean) / std;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let x = 0; x < w; x++) {
        const sx = flip ? w - 1 - (x + dx) : x + dx;
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
        out[offset + (ch * h + y) * w + x] = inside ? (d.pixels[base + (sy * w + sx) * c + ch]! / 255 - mean) / std : zero;
      }
    }
  }
}

export interface Batch {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** A batch of the given indices as NCHW float32 images and int32 labels (the caller disposes both). */
export function makeBatch(d: ImageDataset, indices: ArrayLike<number>, norm: Normalization, augment?: AugmentOptions, random: Random = mulberry32(0)): Batch {
  const size = d.channels * d.height * d.width;
  const data = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    writeImage(d, indices[i]!, data, i * size, norm, augment, random);
    labels[i] = d.labels[indices[i]!]!;
  }
  return {
    images: tf.tensor4d(data, [indices.length, d.channels, d.height, d.width]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}

/** A seeded permutation of 0..n-1 per epoch. */
export function shuffledIndices(n: number, random: Random): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randint(random, 0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
