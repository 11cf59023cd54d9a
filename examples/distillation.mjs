// Does distillation help? Train a teacher on the built-in shapes10 dataset, then train the same small
// ViT twice for the same number of steps — from the labels alone, and through DistillWrapper (DeiT
// hard distillation) — and compare their test accuracies.
//
//   node examples/distillation.mjs [--teacher-steps 600] [--student-steps 300] [--train-size 3000] [--patch-size 8]
//                                  [--soft --temperature 4 --alpha 0.5]   (default: hard distillation)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setBackend } from '@vit/core/node';
import { generateShapes10, runDistillation, runTraining } from '@vit/cli';

const { values: args } = parseArgs({
  options: {
    'teacher-steps': { type: 'string', default: '600' },
    'student-steps': { type: 'string', default: '300' },
    'train-size': { type: 'string', default: '3000' },
    'patch-size': { type: 'string', default: '8' },
    'test-size': { type: 'string', default: '2000' },
    seed: { type: 'string', default: '0' },
    temperature: { type: 'string', default: '1' },
    alpha: { type: 'string', default: '0.5' },
    soft: { type: 'boolean', default: false },
  },
});
const seed = Number(args.seed);
await setBackend('wasm');
const out = mkdtempSync(path.join(os.tmpdir(), 'vit-distill-'));
// A small training set: the regime where a teacher's labels carry information the data lacks.
const train = generateShapes10({ count: Number(args['train-size']), seed: 11 + seed });
const test = generateShapes10({ count: Number(args['test-size']), seed: 12 + seed });
const common = { train, test, batchSize: 64, accumulate: 1, minLr: 1e-5, weightDecay: 0.05, clip: 1, augment: true, seed, quiet: false, resume: false };
const vit = (dim, depth, heads) => ({ arch: 'vit', options: { imageSize: 32, patchSize: Number(args['patch-size']), numClasses: 10, dim, depth, heads, mlpDim: dim * 2, dimHead: dim / heads, channels: 3, pool: 'cls', dropout: 0, embDropout: 0 } });
const teacherSteps = Number(args['teacher-steps']);
const studentSteps = Number(args['student-steps']);

console.log(`teacher: ViT dim 96, depth 4, ${teacherSteps} steps`);
const teacher = await runTraining({ ...common, spec: vit(96, 4, 4), out: path.join(out, 'teacher'), steps: teacherSteps, lr: 2e-3, warmupSteps: Math.round(teacherSteps / 10), label: 'teacher' });
console.log(`student from labels: ViT dim 48, depth 2, ${studentSteps} steps`);
const plain = await runTraining({ ...common, spec: vit(48, 2, 3), out: path.join(out, 'plain'), steps: studentSteps, lr: 2e-3, warmupSteps: Math.round(studentSteps / 10), label: 'labels' });
const hard = !args.soft;
console.log(`student distilled (${hard ? 'hard, DeiT' : `soft, T=${args.temperature}`}, alpha ${args.alpha}): same ViT, ${studentSteps} steps`);
const distilled = await runDistillation({ ...common, teacher: teacher.modelFile, student: vit(48, 2, 3), out: path.join(out, 'distilled'), steps: studentSteps, lr: 2e-3,
  warmupSteps: Math.round(studentSteps / 10), temperature: Number(args.temperature), alpha: Number(args.alpha), hard });

const pct = (x) => `${(x * 100).toFixed(2)}%`;
console.log(`\n| model | test accuracy |\n| --- | --- |`);
console.log(`| teacher ViT (dim 96, depth 4), ${teacherSteps} steps | ${pct(teacher.evaluation.accuracy)} |`);
console.log(`| student ViT (dim 48, depth 2), labels only, ${studentSteps} steps | ${pct(plain.evaluation.accuracy)} |`);
console.log(`| student ViT (dim 48, depth 2), distilled (${hard ? 'hard' : `soft, T=${args.temperature}`}, alpha ${args.alpha}), ${studentSteps} steps | ${pct(distilled.evaluation.accuracy)} |`);
[teacher.model, plain.model, distilled.student].forEach((m) => m.dispose());
rmSync(out, { recursive: true, force: true });
