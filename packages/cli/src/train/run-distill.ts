/**
 * Distillation (DeiT, vit-pytorch's DistillWrapper): a teacher checkpoint teaches a smaller
 * DistillableViT, which is saved as a plain ViT (`toVit()`): `vit distill` and `vit start`.
 */
import { manualSeed, type ViTOptions } from '@vit/core';
import { DistillableViT, DistillWrapper } from '@vit/distill';
import { loadCheckpointModel, saveCheckpoint, type CheckpointMeta } from '../checkpoint.js';
import { standardAugmentation } from '../data/augment.js';
import type { ImageDataset } from '../data/dataset.js';
import type { ClassifierModule, ModelSpec } from '../models.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { trainLoop, type LoopResult } from './loop.js';
import { GroupedAdamW } from './optimizer.js';
import { modelPath } from './run-train.js';

export interface DistillSettings {
  teacher: string;
  student: ModelSpec;
  train: ImageDataset;
  test: ImageDataset;
  out: string;
  steps: number;
  batchSize: number;
  accumulate: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  clip: number;
  augment: boolean;
  temperature: number;
  alpha: number;
  hard: boolean;
  seed: number;
  quiet: boolean;
  evalEvery?: number;
  evalLimit?: number;
}

export interface DistillOutcome {
  student: ClassifierModule;
  meta: CheckpointMeta;
  loop: LoopResult;
  evaluation: Evaluation;
  modelFile: string;
}

export async function runDistillation(s: DistillSettings): Promise<DistillOutcome> {
  if (s.student.arch !== 'vit') throw new Error(`the student must be a vit (DistillableViT), got ${s.student.arch}`);
  const { model: teacher, meta: teacherMeta } = await loadCheckpointModel(s.teacher);
  teacher.eval();
  if (teacherMeta.classNames.length !== s.train.classNames.length) {
    teacher.dispose();
    throw new Error(`head size mismatch: the teacher has ${teacherMeta.classNames.length} classes, the dataset ${s.train.classNames.length}`);
  }
  const studentOptions = s.student.options as unknown as ViTOptions;
  manualSeed(s.seed + 1);
  const distillable = new DistillableViT(studentOptions);
  const wrapper = new DistillWrapper({ student: distillable, teacher, temperature: s.temperature, alpha: s.alpha, hard: s.hard });
  // The teacher is a registered child (its keys are teacher.*) but is never trained.
  const params = Object.fromEntries(Object.entries(wrapper.namedParameters()).filter(([k]) => !k.startsWith('teacher.')));
  const optimizer = new GroupedAdamW(params, { lr: s.lr, weightDecay: s.weightDecay });
  const normalization = teacherMeta.normalization;
  try {
    wrapper.train();
    teacher.eval();
    const loop = await trainLoop(params, (images, labels) => ({ loss: wrapper.forward(images, labels) }), distillable, s.train, optimizer, 0, {
      totalSteps: s.steps, batchSize: s.batchSize, accumulate: s.accumulate, lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps,
      clipNorm: s.clip, seed: s.seed, normalization,
      augment: s.augment ? standardAugmentation(teacherMeta.imageSize) : undefined,
      evalEvery: s.evalEvery, evalSet: s.test, evalLimit: s.evalLimit, label: 'distill', quiet: s.quiet,
      onEval: (step, e) => { if (!s.quiet) console.log(`  step ${step}: student test accuracy ${(e.accuracy * 100).toFixed(2)}%`); },
    });
    const student = distillable.toVit() as unknown as ClassifierModule;
    student.eval();
    const meta: CheckpointMeta = {
      spec: s.student, classNames: [...teacherMeta.classNames], normalization, imageSize: teacherMeta.imageSize, step: s.steps,
      dataset: s.train.name, extra: { distilledFrom: s.teacher, temperature: s.temperature, alpha: s.alpha, hard: s.hard },
    };
    await saveCheckpoint(modelPath(s.out), student, meta);
    const evaluation = await evaluate(student, s.test, normalization, { label: 'test', quiet: s.quiet });
    return { student, meta, loop, evaluation, modelFile: modelPath(s.out) };
  } finally {
    optimizer.dispose();
    wrapper.dispose(); // the DistillableViT, the distillation head and the teacher loaded here
  }
}
