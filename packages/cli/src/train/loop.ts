/**
 * The training loop shared by `vit train` and `vit distill`: seeded, resumable batches; AdamW with
 * linear warmup and cosine decay; gradient clipping by global norm; gradient accumulation; periodic
 * evaluation and checkpoints; a progress bar. Each optimizer step is a pure function of
 * (seed, step), so a resumed run continues exactly where the checkpoint left it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { clipGradNorm, GradientAccumulator, valueAndGrads, warmupCosineLr, type NamedTensors } from '@vit/core';
import { makeBatch, shuffledIndices, type AugmentOptions, type Normalization } from '../data/augment.js';
import type { ImageDataset } from '../data/dataset.js';
import { mulberry32 } from '../data/random.js';
import { Progress } from '../progress.js';
import type { Classifier } from './classifier.js';
import { evaluate, type Evaluation } from './evaluate.js';

export interface LoopOptions {
  totalSteps: number;
  /** Stop before this step (the schedule still spans totalSteps), to continue later from a checkpoint. */
  stopAt?: number;
  /** Images per optimizer step; split into `accumulate` equal micro-batches. */
  batchSize: number;
  accumulate: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  clipNorm: number;
  seed: number;
  normalization: Normalization;
  augment?: AugmentOptions;
  evalEvery?: number;
  evalSet?: ImageDataset;
  evalLimit?: number;
  checkpointEvery?: number;
  onCheckpoint?: (step: number) => Promise<void>;
  onEval?: (step: number, evaluation: Evaluation) => void;
  label?: string;
  quiet?: boolean;
}

/** What the loop needs of an optimizer (AdamW, or GroupedAdamW). */
export interface Optimizer {
  lr: number;
  step(grads: NamedTensors): void;
}

/** One micro-batch's loss; `correct` (optional) counts right predictions for the progress bar. */
export type LossFn = (images: tf.Tensor, labels: tf.Tensor) => { loss: tf.Scalar; correct?: tf.Scalar };

export interface LoopResult {
  steps: number;
  seconds: number;
  imagesPerSecond: number;
  finalLoss: number;
  evaluations: Array<{ step: number } & Evaluation>;
}

/** The indices of the images the micro-batch `micro` of optimizer step `step` uses. */
export function batchIndices(n: number, step: number, micro: number, options: Pick<LoopOptions, 'batchSize' | 'accumulate' | 'seed'>): Int32Array {
  const microSize = options.batchSize / options.accumulate;
  const first = step * options.batchSize + micro * microSize;
  const out = new Int32Array(microSize);
  let order: Int32Array | undefined;
  let orderEpoch = -1;
  for (let i = 0; i < microSize; i++) {
    const position = first + i;
    const epoch = Math.floor(position / n);
    if (epoch !== orderEpoch) {
      order = shuffledIndices(n, mulberry32(options.seed * 7919 + epoch));
      orderEpoch = epoch;
    }
    out[i] = order![position % n]!;
  }
  return out;
}

export async function trainLoop(params: Record<string, tf.Variable>, lossFn: LossFn, evalModel: Classifier, data: ImageDataset,
  optimizer: Optimizer, startStep: number, options: LoopOptions): Promise<LoopResult> {
  const { totalSteps, batchSize, accumulate } = options;
  if (!Number.isInteger(accumulate) || accumulate < 1 || batchSize % accumulate !== 0) {
    throw new Error(`batch size ${batchSize} must be a multiple of --accumulate ${accumulate}`);
  }
  const schedule = { baseLr: options.lr, minLr: options.minLr, warmupSteps: Math.min(options.warmupSteps, totalSteps), totalSteps };
  const accumulator = new GradientAccumulator();
  const progress = new Progress(options.label ?? 'train', totalSteps, { quiet: options.quiet });
  await progress.update(startStep, {});
  const evaluations: LoopResult['evaluations'] = [];
  const start = performance.now();
  let images = 0;
  let runningLoss: number | undefined;
  let runningAcc: number | undefined;
  let finalLoss = NaN;
  evalModel.train();
  try {
    const end = Math.min(totalSteps, options.stopAt ?? totalSteps);
    for (let step = startStep; step < end; step++) {
      let lossSum = 0;
      let correct = 0;
      let counted = true;
      for (let micro = 0; micro < accumulate; micro++) {
        const augmentRandom = mulberry32(options.seed * 104729 + step * 31 + micro);
        const batch = makeBatch(data, batchIndices(data.labels.length, step, micro, options), options.normalization, options.augment, augmentRandom);
        let hits: tf.Scalar | undefined;
        const { value, grads } = valueAndGrads(() => {
          const out = lossFn(batch.images, batch.labels);
          if (out.correct !== undefined) hits = tf.keep(out.correct);
          return out.loss;
        }, params);
        accumulator.add(grads);
        lossSum += (await value.data())[0]!;
        if (hits === undefined) counted = false;
        else correct += (await hits.data())[0]!;
        tf.dispose([value, ...Object.values(grads), batch.images, batch.labels, ...(hits ? [hits] : [])]);
      }
      const mean = accumulator.mean();
      accumulator.reset();
      let clipped: NamedTensors = mean;
      if (options.clipNorm > 0) {
        const result = clipGradNorm(mean, options.clipNorm);
        result.totalNorm.dispose();
        clipped = result.grads;
        tf.dispose(Object.values(mean));
      }
      optimizer.lr = warmupCosineLr(step, schedule);
      optimizer.step(clipped);
      tf.dispose(Object.values(clipped));

      images += batchSize;
      finalLoss = lossSum / accumulate;
      runningLoss = runningLoss === undefined ? finalLoss : 0.9 * runningLoss + 0.1 * finalLoss;
      if (counted) runningAcc = runningAcc === undefined ? correct / batchSize : 0.9 * runningAcc + 0.1 * (correct / batchSize);
      await progress.update(step + 1, { loss: runningLoss, acc: runningAcc, speed: images / ((performance.now() - start) / 1000) });

      const done = step + 1;
      if (options.evalSet !== undefined && options.evalEvery !== undefined && options.evalEvery > 0 && done % options.evalEvery === 0 && done < totalSteps) {
        const evaluation = await evaluate(evalModel, options.evalSet, options.normalization, { limit: options.evalLimit, quiet: true });
        evaluations.push({ step: done, ...evaluation });
        options.onEval?.(done, evaluation);
      }
      if (options.onCheckpoint !== undefined && options.checkpointEvery !== undefined && options.checkpointEvery > 0 && done % options.checkpointEvery === 0) {
        await options.onCheckpoint(done);
      }
    }
  } finally {
    progress.stop();
    accumulator.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  return { steps: Math.max(0, Math.min(totalSteps, options.stopAt ?? totalSteps) - startStep), seconds, imagesPerSecond: images / Math.max(seconds, 1e-9), finalLoss, evaluations };
}
