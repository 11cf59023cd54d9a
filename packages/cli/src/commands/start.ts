/**
 * `vit start` (what `npm start` runs): the whole job on the embedded dataset — train a ViT from
 * scratch, evaluate it, distill it into a smaller student, save both as safetensors, and print a
 * summary. A few minutes on two CPU cores with the WASM backend.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseBackend, useBackend } from '../backend.js';
import type { ImageDataset } from '../data/dataset.js';
import { encodePng } from '../data/image-file.js';
import { loadSplits } from '../data/load.js';
import { runDistillation } from '../train/run-distill.js';
import { runTraining } from '../train/run-train.js';
import { addBackendOption, int } from './options.js';
import { printTable } from './table.js';

export function registerStart(program: Command): void {
  const cmd = program.command('start').description('the default job: train, evaluate, distill and save on the built-in shapes10 dataset')
    .option('--out <dir>', 'output directory', 'runs/start')
    .option('--teacher-steps <n>', 'teacher training steps', int('--teacher-steps'), 500)
    .option('--student-steps <n>', 'student distillation steps', int('--student-steps'), 400)
    .option('--train-size <n>', 'training images', int('--train-size'), 10_000)
    .option('--test-size <n>', 'test images', int('--test-size'), 2_000)
    .option('--seed <n>', 'random seed', int('--seed'), 0)
    .option('--quiet', 'no progress bars');
  addBackendOption(cmd);
  cmd.action(async (opts: Record<string, any>) => {
    const started = performance.now();
    const backend = await useBackend(parseBackend(opts.backend));
    const quiet = opts.quiet === true;
    const { train, test } = loadSplits({ dataset: 'synthetic', imageSize: 32, trainSize: opts.trainSize, testSize: opts.testSize, seed: opts.seed });
    if (!quiet) console.log(`shapes10: ${train.labels.length} training and ${test.labels.length} test images of 32x32 (${train.classNames.join(', ')}); backend ${backend}\n`);
    const common = { train, test, batchSize: 64, accumulate: 1, minLr: 1e-5, weightDecay: 0.05, clip: 1, augment: false, seed: opts.seed, quiet };
    const teacherSpec = { arch: 'vit', options: { imageSize: 32, patchSize: 8, numClasses: 10, dim: 96, depth: 4, heads: 4, mlpDim: 192, dimHead: 24, channels: 3, pool: 'cls', dropout: 0, embDropout: 0 } };
    const teacher = await runTraining({
      ...common, spec: teacherSpec, out: path.join(opts.out, 'teacher'), steps: opts.teacherSteps, lr: 2e-3, warmupSteps: Math.round(opts.teacherSteps * 0.1),
      resume: false, label: 'teacher',
    });
    const studentSpec = { arch: 'vit', options: { imageSize: 32, patchSize: 8, numClasses: 10, dim: 64, depth: 3, heads: 4, mlpDim: 128, dimHead: 16, channels: 3, pool: 'cls', dropout: 0, embDropout: 0 } };
    const student = await runDistillation({
      ...common, teacher: teacher.modelFile, student: studentSpec, out: path.join(opts.out, 'student'), steps: opts.studentSteps, lr: 2e-3,
      warmupSteps: Math.round(opts.studentSteps * 0.1), temperature: 1, alpha: 0.5, hard: true,
    });
    printTable([
      ['model', 'test accuracy', 'train img/s', 'eval img/s', 'parameters', 'backend', 'file'],
      ['teacher ViT (patch 8, dim 96, depth 4)', pct(teacher.evaluation.accuracy), teacher.loop.imagesPerSecond.toFixed(1), teacher.evaluation.imagesPerSecond.toFixed(1),
        teacher.model.numParameters().toLocaleString('en-US'), backend, teacher.modelFile],
      ['student ViT (patch 8, dim 64, depth 3), distilled', pct(student.evaluation.accuracy), student.loop.imagesPerSecond.toFixed(1), student.evaluation.imagesPerSecond.toFixed(1),
        student.student.numParameters().toLocaleString('en-US'), backend, student.modelFile],
    ]);
    const samples = writeSamples(test, path.join(opts.out, 'samples'));
    console.log(`chance is 10.0%; done in ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
      `Try: npx vit predict --checkpoint ${student.modelFile} ${path.join(samples, '*.png')}`);
    teacher.model.dispose();
    student.student.dispose();
  });
}

/** One test image of each class as `<class>.png`, to try `vit predict` and the browser example on. */
function writeSamples(test: ImageDataset, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const bytes = test.height * test.width * test.channels;
  test.classNames.forEach((name, label) => {
    const i = test.labels.indexOf(label);
    if (i < 0) return;
    writeFileSync(path.join(dir, `${name}.png`), encodePng({ width: test.width, height: test.height, data: test.pixels.subarray(i * bytes, (i + 1) * bytes) }));
  });
  return dir;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
