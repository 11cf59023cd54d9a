/**
 * vit-pytorch's DistillWrapper (DeiT distillation): the student learns from the labels through its
 * class token and from the teacher through a distillation token and its own head, `distill_mlp`.
 * loss = CE(student, labels)·(1 − α) + distill·α, distill soft (T² · KL) or hard (CE on argmax).
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, Identity, LayerNorm, Linear, Module, randn, Sequential } from '@vit/core';
import { DistillableViT } from './distillable-vit.js';
import { hardDistillationLoss, softDistillationLoss } from './losses.js';
import { isTeacher, teacherLogitsWithoutGradient, type Teacher } from './teacher.js';

export interface DistillWrapperOptions {
  student: DistillableViT;
  teacher: Teacher;
  temperature?: number;
  alpha?: number;
  /** Hard distillation: cross-entropy against the teacher's predicted class. */
  hard?: boolean;
  /** A LayerNorm before the distillation head. */
  mlpLayernorm?: boolean;
}

/** Per-call overrides of the wrapper's temperature and alpha. */
export interface DistillOverrides {
  temperature?: number;
  alpha?: number;
}

export class DistillWrapper extends Module<[tf.Tensor, tf.Tensor, DistillOverrides?], tf.Scalar> {
  readonly teacher: Teacher;
  readonly student: DistillableViT;
  readonly temperature: number;
  readonly alpha: number;
  readonly hard: boolean;
  readonly distillationToken: tf.Variable;
  readonly distillMlp: Sequential;

  constructor({ student, teacher, temperature = 1, alpha = 0.5, hard = false, mlpLayernorm = false }: DistillWrapperOptions) {
    super();
    if (!(student instanceof DistillableViT)) throw new Error('DistillWrapper: student must be a DistillableViT');
    if (!isTeacher(teacher)) throw new Error('DistillWrapper: teacher must be a Module, an object with forward(img), or a function of the image');
    checkTemperature(temperature);
    checkAlpha(alpha);
    this.temperature = temperature;
    this.alpha = alpha;
    this.hard = hard;
    // Registration order as in PyTorch: teacher, student, then the wrapper's own parameters.
    this.teacher = teacher instanceof Module ? this.addModule('teacher', teacher) : teacher;
    this.student = this.addModule('student', student);
    this.distillationToken = this.addParameter('distillation_token', () => randn([1, student.dim]));
    this.distillMlp = this.addModule('distill_mlp', new Sequential(
      mlpLayernorm ? new LayerNorm(student.dim) : new Identity(), new Linear(student.dim, student.numClasses),
    ));
  }

  /** The training loss for a batch: `img` NCHW float32, `labels` int32 [b]. A rank-0 tensor the caller owns. */
  forward(img: tf.Tensor, labels: tf.Tensor, overrides: DistillOverrides = {}): tf.Scalar {
    const temperature = overrides.temperature ?? this.temperature;
    const alpha = overrides.alpha ?? this.alpha;
    checkTemperature(temperature);
    checkAlpha(alpha);
    if (labels.dtype !== 'int32' || labels.rank !== 1 || labels.shape[0] !== img.shape[0]) {
      throw new Error(`DistillWrapper: labels must be an int32 [${img.shape[0]}] tensor of class indices, got ${labels.dtype} [${labels.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const teacherLogits = teacherLogitsWithoutGradient(this.teacher, img);
      const [studentLogits, distillTokens] = this.student.forward(img, { distillToken: this.distillationToken });
      const distillLogits = this.distillMlp.forward(distillTokens);
      const loss = crossEntropy(studentLogits, labels);
      const distillLoss = this.hard ? hardDistillationLoss(distillLogits, teacherLogits)
        : softDistillationLoss(distillLogits, teacherLogits, temperature);
      return tf.add(tf.mul(loss, 1 - alpha), tf.mul(distillLoss, alpha)) as tf.Scalar;
    });
  }

  /** Also switches a teacher that is not a Module, when it has train() / eval(). */
  override train(mode = true): this {
    super.train(mode);
    const teacher = this.teacher;
    if (!(teacher instanceof Module) && typeof teacher !== 'function') {
      if (mode) teacher.train?.(true);
      else if (teacher.eval !== undefined) teacher.eval();
      else teacher.train?.(false);
    }
    return this;
  }
}

function checkTemperature(t: number): void {
  if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) throw new Error(`DistillWrapper: temperature must be a positive number, got ${String(t)}`);
}

function checkAlpha(a: number): void {
  if (typeof a !== 'number' || !(a >= 0 && a <= 1)) throw new Error(`DistillWrapper: alpha must be in [0, 1], got ${String(a)}`);
}
