/** What DistillWrapper accepts as a teacher, and how it runs it without gradients. */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@vit/core';

/** A @vit/core Module, any object with a synchronous `forward(img)`, or a function of the image. */
export type Teacher = Module<[tf.Tensor], tf.Tensor> | TeacherLike | ((img: tf.Tensor) => tf.Tensor);

export interface TeacherLike {
  forward(img: tf.Tensor): tf.Tensor;
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

export function isTeacher(teacher: unknown): teacher is Teacher {
  return typeof teacher === 'function' || teacher instanceof Module ||
    (typeof teacher === 'object' && teacher !== null && typeof (teacher as TeacherLike).forward === 'function');
}

/**
 * The teacher's logits as a constant of the gradient tape (torch.no_grad): ops run inside a custom
 * gradient's forward are not recorded, so no gradient reaches the teacher or flows through it.
 */
export function teacherLogitsWithoutGradient(teacher: Teacher, img: tf.Tensor): tf.Tensor {
  const run = typeof teacher === 'function' ? teacher : (x: tf.Tensor) => teacher.forward(x);
  const noGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return { value: run(x), gradFunc: () => tf.zerosLike(x) };
  });
  const logits = noGrad(img);
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2) {
    throw new Error(`DistillWrapper: the teacher must return [batch, classes] logits, got ${logits instanceof tf.Tensor ? `[${logits.shape.join(', ')}]` : typeof logits}`);
  }
  return logits;
}
