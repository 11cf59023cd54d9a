/** `vit predict <image...>`: top-k classes with the checkpoint's class names and normalisation. */
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { parseBackend, useBackend } from '../backend.js';
import { loadCheckpointModel } from '../checkpoint.js';
import { readImage } from '../data/image-file.js';
import { imageBatch } from '../data/preprocess.js';
import { topClasses, type ClassProbability } from '../predictions.js';
import { addBackendOption, int } from './options.js';

export interface Prediction {
  file: string;
  top: ClassProbability[];
}

export function registerPredict(program: Command): void {
  const cmd = program.command('predict').description('classify images (PNG or JPEG)')
    .argument('<images...>', 'image files')
    .requiredOption('--checkpoint <file>', 'model checkpoint')
    .option('--top-k <n>', 'how many classes to show', int('--top-k'), 5)
    .option('--json', 'print JSON');
  addBackendOption(cmd);
  cmd.action(async (images: string[], opts: Record<string, any>) => {
    await useBackend(parseBackend(opts.backend));
    const { model, meta } = await loadCheckpointModel(opts.checkpoint);
    model.eval();
    const batch = imageBatch(images.map(readImage), meta.imageSize, meta.normalization);
    const probs = tf.tidy(() => tf.softmax(model.forward(batch)));
    const values = await probs.data();
    tf.dispose([probs, batch]);
    model.dispose();
    const n = meta.classNames.length;
    const predictions: Prediction[] = images.map((file, i) => ({ file, top: topClasses(values.subarray(i * n, (i + 1) * n), meta.classNames, opts.topK) }));
    if (opts.json) console.log(JSON.stringify(predictions, null, 2));
    else {
      for (const p of predictions) {
        console.log(p.file);
        for (const t of p.top) console.log(`  ${(t.probability * 100).toFixed(2).padStart(6)}%  ${t.label}`);
      }
    }
  });
}
