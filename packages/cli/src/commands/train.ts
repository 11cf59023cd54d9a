/** `vit train`: train a model on synthetic, CIFAR-10 or image-folder data, with checkpoints and --resume. */
import type { Command } from 'commander';
import { parseBackend, useBackend } from '../backend.js';
import { loadSplits } from '../data/load.js';
import { runTraining } from '../train/run-train.js';
import { addBackendOption, addDataOptions, addModelOptions, addTrainOptions, int, modelSpec, prefixedModelFlags } from './options.js';
import { printTable } from './table.js';

export function registerTrain(program: Command): void {
  const cmd = program.command('train').description('train a Vision Transformer (from scratch, or fine-tune with --pretrained)')
    .option('--img-size <n>', 'image size', int('--img-size'), 32)
    .option('--num-classes <n>', 'classes (default: the dataset\'s)', int('--num-classes'))
    .option('--pretrained <file>', 'start from these weights (safetensors); a head of another size is replaced')
    .option('--out <dir>', 'output directory for model.safetensors and checkpoints', 'runs/train');
  addModelOptions(cmd, { dim: 96, depth: 4, heads: 4, mlpDim: 192, dimHead: 24 });
  addTrainOptions(cmd, { steps: 400, lr: 2e-3 });
  addDataOptions(cmd);
  addBackendOption(cmd);
  cmd.action(async (opts: Record<string, any>) => {
    const backend = await useBackend(parseBackend(opts.backend));
    const { train, test } = loadSplits({ dataset: opts.dataset, dataDir: opts.dataDir, imageSize: opts.imgSize, trainSize: opts.trainSize, testSize: opts.testSize, seed: opts.seed });
    const numClasses = opts.numClasses ?? train.classNames.length;
    const spec = modelSpec(prefixedModelFlags(opts, ''), opts.imgSize, numClasses, train.channels, (flag) => cmd.getOptionValueSource(flag) === 'cli');
    const steps = opts.epochs !== undefined ? Math.ceil((opts.epochs * train.labels.length) / opts.batchSize) : opts.steps;
    const outcome = await runTraining({
      spec, train, test, out: opts.out, steps, batchSize: opts.batchSize, accumulate: opts.accumulate, lr: opts.lr, minLr: opts.minLr,
      warmupSteps: opts.warmupSteps ?? Math.round(steps * 0.1), weightDecay: opts.weightDecay, clip: opts.clip, augment: opts.augment,
      evalEvery: opts.evalEvery, evalLimit: opts.evalLimit, checkpointEvery: opts.checkpointEvery, resume: opts.resume === true, stopAt: opts.stopAt,
      pretrained: opts.pretrained, seed: opts.seed, quiet: opts.quiet === true,
    });
    printTable([['model', 'dataset', 'test accuracy', 'train img/s', 'parameters', 'backend', 'saved'], [
      spec.arch, `${train.name} (${train.labels.length}/${test.labels.length})`, `${(outcome.evaluation.accuracy * 100).toFixed(2)}%`,
      outcome.loop.imagesPerSecond.toFixed(1), outcome.model.numParameters().toLocaleString('en-US'), backend, outcome.modelFile,
    ]]);
    outcome.model.dispose();
  });
}
