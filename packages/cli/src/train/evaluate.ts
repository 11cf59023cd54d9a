/** Accuracy and mean cross-entropy of a classifier on a dataset, in eval mode, batch by batch. */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@vit/core';
import { makeBatch, type Normalization } from '../data/augment.js';
import type { ImageDataset } from '../data/dataset.js';
import { Progress } from '../progress.js';
import { countCorrect, type Classifier } from './classifier.js';

export interface Evaluation {
  accuracy: number;
  loss: number;
  imagesPerSecond: number;
  count: number;
}

export async function evaluate(model: Classifier, data: ImageDataset, normalization: Normalization,
  { batchSize = 128, limit, label = 'eval', quiet = false }: { batchSize?: number; limit?: number; label?: string; quiet?: boolean } = {}): Promise<Evaluation> {
  const count = Math.min(limit ?? data.labels.length, data.labels.length);
  const wasTraining = model.training;
  model.eval();
  const progress = new Progress(label, count, { quiet });
  let correct = 0;
  let lossSum = 0;
  const start = performance.now();
  try {
    for (let offset = 0; offset < count; offset += batchSize) {
      const indices = Int32Array.from({ length: Math.min(batchSize, count - offset) }, (_, i) => offset + i);
      const batch = makeBatch(data, indices, normalization);
      const [hits, loss] = tf.tidy(() => {
        const logits = model.forward(batch.images);
        return [countCorrect(logits, batch.labels), tf.mul(crossEntropy(logits, batch.labels), indices.length)];
      });
      correct += (await hits!.data())[0]!;
      lossSum += (await loss!.data())[0]!;
      tf.dispose([hits!, loss!, batch.images, batch.labels]);
      const done = offset + indices.length;
      await progress.update(done, { loss: lossSum / done, acc: correct / done, speed: done / ((performance.now() - start) / 1000) });
    }
  } finally {
    progress.stop();
    model.train(wasTraining);
  }
  return { accuracy: correct / count, loss: lossSum / count, imagesPerSecond: count / ((performance.now() - start) / 1000), count };
}
