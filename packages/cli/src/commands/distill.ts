/** `vit distill`: teach a smaller ViT from a teacher checkpoint (DeiT distillation through DistillWrapper). */
import type { Command } from 'commander';
import { parseBackend, useBackend } from '../backend.js';
import { readCheckpointMeta } from '../checkpoint.js';
import { loadSplits } from '../data/load.js';
import { runDistillation } from '../train/run-distill.js';
import { addBackendOption, addDataOptions, addModelOptions, addTrainOptions, num, modelSpec, prefixedModelFlags } from './options.js';
import { printTable } from './table.js';

export function registerDistill(program: Command): void {
  const cmd = program.command('distill').description('distill a teacher checkpoint into a smaller ViT student')
    .requiredOption('--teacher <file>', 'teacher checkpoint (model.safetensors from vit train)')
    .option('--temperature <t>', 'soft distillation temperature', num('--temperature'), 3)
    .option('--alpha <a>', 'weight of the distillation loss', num('--alpha'), 0.5)
    .option('--hard', 'hard distillation (cross-entropy on the teacher\'s argmax), as DeiT')
    .option('--out <dir>', 'output directory', 'runs/distill');
  addModelOptions(cmd, { dim: 64, depth: 3, heads: 4, mlpDim: 128, dimHead: 16 });
  addTrainOptions(cmd, { steps: 300, lr: 2e-3 });
  addDataOptions(cmd);
  addBackendOption(cmd);
  cmd.action(async (opts: Record<string, any>) => {
    const backend = await useBackend(parseBackend(opts.backend));
    const meta = readCheckpointMeta(opts.teacher);
    const { train, test } = loadSplits({ dataset: opts.dataset, dataDir: opts.dataDir, imageSize: meta.imageSize, trainSize: opts.trainSize, testSize: opts.testSize, seed: opts.seed });
    const spec = modelSpec(prefixedModelFlags(opts, ''), meta.imageSize, meta.classNames.length, train.channels);
    const steps = opts.epochs !== undefined ? Math.ceil((opts.epochs * train.labels.length) / opts.batchSize) : opts.steps;
    const outcome = await runDistillation({
      teacher: opts.teacher, student: spec, train, test, out: opts.out, steps, batchSize: opts.batchSize, accumulate: opts.accumulate,
      lr: opts.lr, minLr: opts.minLr, warmupSteps: opts.warmupSteps ?? Math.round(steps * 0.1), weightDecay: opts.weightDecay, clip: opts.clip,
      augment: opts.augment, temperature: opts.temperature, alpha: opts.alpha, hard: opts.hard === true, seed: opts.seed, quiet: opts.quiet === true,
      evalEvery: opts.evalEvery, evalLimit: opts.evalLimit,
    });
    printTable([['student', 'test accuracy', 'train img/s', 'parameters', 'backend', 'saved'], [
      `vit dim ${spec.options['dim']} depth ${spec.options['depth']}`, `${(outcome.evaluation.accuracy * 100).toFixed(2)}%`,
      outcome.loop.imagesPerSecond.toFixed(1), outcome.student.numParameters().toLocaleString('en-US'), backend, outcome.modelFile,
    ]]);
    outcome.student.dispose();
  });
}
