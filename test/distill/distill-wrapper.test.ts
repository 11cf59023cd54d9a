/**
 * DistillWrapper against vit-pytorch (fixture distill_wrapper_soft): logits, losses, per-call
 * overrides, gradients; plus hard distillation, mlpLayernorm, non-Module teachers and training.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, crossEntropy, LayerNorm } from '@vit/core';
import { DistillableViT, DistillWrapper, hardDistillationLoss, softDistillationLoss } from '@vit/distill';
import { backendName, useTestBackend } from '../support/backend.js';
import { closeTo, PARITY, readBin, readTensor, readWeights, vitCase } from '../support/vit-fixtures.js';
import { TinyCnnTeacher } from './teacher-cnn.js';

const fixture = vitCase('distill_wrapper_soft');
const studentConfig = { imageSize: 32, patchSize: 8, numClasses: 10, dim: 64, depth: 2, heads: 4, mlpDim: 128, dimHead: 16, channels: 3 };
const tol = PARITY;
const scalar = async (t: tf.Tensor): Promise<number> => (await t.data())[0]!;
const output = (name: string): { value: number; f64_reference?: number } => fixture.outputs[name] as never;

describe(`DistillWrapper on ${backendName}`, () => {
  let wrapper: DistillWrapper;
  let img: tf.Tensor;
  let labels: tf.Tensor;

  before(async () => {
    await useTestBackend();
    const student = new DistillableViT(studentConfig);
    wrapper = new DistillWrapper({ student, teacher: new TinyCnnTeacher(10), temperature: 3, alpha: 0.5 }).eval();
    const weights = readWeights('distill_wrapper_soft/weights.safetensors');
    const { missingKeys, unexpectedKeys } = wrapper.loadStateDict(weights);
    tf.dispose(Object.values(weights));
    assert.deepEqual([missingKeys, unexpectedKeys], [[], []]);
    img = readTensor('distill_wrapper_soft/input.f32.bin', [2, 3, 32, 32]);
    labels = readTensor('distill_wrapper_soft/labels.i32.bin', [2]);
  });

  after(() => {
    wrapper.dispose();
    img.dispose();
    labels.dispose();
  });

  it('has vit-pytorch state-dict keys', () => {
    const keys = Object.keys(wrapper.stateDict());
    for (const key of ['distillation_token', 'teacher.net.0.weight', 'teacher.net.6.bias', 'student.cls_token', 'distill_mlp.1.weight', 'distill_mlp.1.bias']) {
      assert.ok(keys.includes(key), key);
    }
    assert.ok(!keys.some((k) => k.startsWith('distill_mlp.0')), 'Identity has no parameters');
  });

  it('matches the recorded logits, losses and per-call overrides', async () => {
    const teacherLogits = wrapper.teacher instanceof TinyCnnTeacher ? wrapper.teacher.forward(img) : undefined;
    assert.equal(closeTo(await teacherLogits!.data(), readBin('distill_wrapper_soft/teacher_logits.f32.bin'), 1e-4, 1e-4), undefined, 'teacher');
    const [studentLogits, tokens] = wrapper.student.forward(img, { distillToken: wrapper.distillationToken });
    const distillLogits = wrapper.distillMlp.forward(tokens);
    assert.equal(closeTo(await studentLogits.data(), readBin('distill_wrapper_soft/student_logits.f32.bin'), 1e-4, 1e-4), undefined, 'student');
    assert.equal(closeTo(await tokens.data(), readBin('distill_wrapper_soft/distill_token_out.f32.bin'), 1e-4, 1e-4), undefined, 'token');
    assert.equal(closeTo(await distillLogits.data(), readBin('distill_wrapper_soft/distill_logits.f32.bin'), 1e-4, 1e-4), undefined, 'distill');
    const ce = crossEntropy(studentLogits, labels);
    const soft = softDistillationLoss(distillLogits, teacherLogits!, 3);
    assert.equal(closeTo([await scalar(ce)], [output('ce_loss').value], 1e-4, 1e-4), undefined, 'ce');
    assert.equal(closeTo([await scalar(soft)], [output('distill_loss').value], 1e-4, 1e-4), undefined, 'distill loss');

    const before = tf.memory().numTensors;
    const loss = wrapper.forward(img, labels);
    assert.equal(loss.rank, 0);
    assert.equal(closeTo([await scalar(loss)], [output('loss').f64_reference!], tol, tol), undefined, 'loss');
    const override = wrapper.forward(img, labels, { temperature: 1, alpha: 0.25 });
    assert.equal(closeTo([await scalar(override)], [output('loss_override_T1_alpha0.25').f64_reference!], tol, tol), undefined, 'override');
    [loss, override].forEach((t) => t.dispose());
    assert.equal(tf.memory().numTensors, before);
    [teacherLogits!, studentLogits, tokens, distillLogits, ce, soft].forEach((t) => t.dispose());
  });

  it('gives vit-pytorch gradients, none to the teacher', async () => {
    const params = wrapper.namedParameters();
    const names = new Map(Object.entries(params).map(([key, v]) => [v.name, key]));
    const { value, grads } = tf.variableGrads(() => wrapper.forward(img, labels));
    const byKey = Object.fromEntries(Object.entries(grads).map(([varName, g]) => [names.get(varName)!, g]));
    assert.ok(!Object.keys(byKey).some((k) => k.startsWith('teacher.')), 'the teacher gets no gradient');
    const recorded = fixture.outputs['grads'] as unknown as Record<string, { file: string }>;
    for (const [key, { file }] of Object.entries(recorded)) {
      const g = byKey[key];
      assert.ok(g !== undefined, `gradient for ${key}`);
      assert.equal(closeTo(await g.data(), readBin(file), 1e-4, 1e-4), undefined, `grad ${key}`);
    }
    const norms = fixture.outputs['grad_l2_norms'] as unknown as Record<string, number>;
    for (const [key, norm] of Object.entries(norms)) {
      const g = byKey[key];
      assert.ok(g !== undefined, `gradient for ${key}`);
      assert.equal(closeTo([await scalar(tf.tidy(() => tf.norm(g)))], [norm], 1e-4, 1e-4), undefined, `|grad ${key}|`);
    }
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('hard distillation is cross-entropy against the teacher argmax', async () => {
    const hard = new DistillWrapper({ student: new DistillableViT(studentConfig), teacher: (x: tf.Tensor) => tf.tidy(() => tf.slice(tf.mul(tf.sum(x, [1, 2]), 0.01), [0, 0], [-1, 10])), hard: true, alpha: 1 });
    const loss = hard.forward(img, labels);
    const expected = tf.tidy(() => {
      const teacherLogits = tf.slice(tf.mul(tf.sum(img, [1, 2]), 0.01), [0, 0], [-1, 10]);
      const [, tokens] = hard.student.forward(img, { distillToken: hard.distillationToken });
      return hardDistillationLoss(hard.distillMlp.forward(tokens), teacherLogits);
    });
    assert.equal(closeTo([await scalar(loss)], [await scalar(expected)], 1e-6, 1e-6), undefined);
    assert.ok(!Object.keys(hard.stateDict()).some((k) => k.startsWith('teacher.')), 'a function teacher adds no keys');
    [loss, expected].forEach((t) => t.dispose());
    hard.dispose();
  });

  it('mlpLayernorm puts a LayerNorm before the distillation head', () => {
    const w = new DistillWrapper({ student: new DistillableViT(studentConfig), teacher: { forward: (x: tf.Tensor) => tf.zeros([x.shape[0]!, 10]) }, mlpLayernorm: true });
    assert.ok(w.distillMlp.at(0) instanceof LayerNorm);
    const keys = Object.keys(w.namedParameters());
    assert.ok(keys.includes('distill_mlp.0.weight') && keys.includes('distill_mlp.0.bias'));
    w.dispose();
  });

  it('switches a non-Module teacher with train() / eval() when it has them', () => {
    const calls: string[] = [];
    const teacher = { forward: (x: tf.Tensor) => tf.zeros([x.shape[0]!, 10]), train: (m?: boolean) => calls.push(`train(${m})`), eval: () => calls.push('eval()') };
    const w = new DistillWrapper({ student: new DistillableViT(studentConfig), teacher });
    w.eval();
    w.train();
    assert.deepEqual(calls, ['eval()', 'train(true)']);
    w.dispose();
  });

  it('trains: the loss goes down over a few AdamW steps, with no leaked tensors', async () => {
    const student = new DistillableViT({ ...studentConfig, depth: 1 });
    const w = new DistillWrapper({ student, teacher: (x: tf.Tensor) => tf.tidy(() => tf.mul(tf.pad(tf.mean(x, [2, 3]), [[0, 0], [0, 7]]), 5)), temperature: 2, alpha: 0.5 });
    const optimizer = new AdamW(w.namedParameters(), { lr: 3e-3, weightDecay: 0 });
    const losses: number[] = [];
    const steps = backendName === 'cpu' ? 15 : 8;
    for (let step = 0; step < steps; step++) {
      const { value, grads } = tf.variableGrads(() => w.forward(img, labels));
      optimizer.step(Object.fromEntries(Object.entries(w.namedParameters()).map(([k, v]) => [k, grads[v.name]!]).filter(([, g]) => g !== undefined)));
      losses.push(await scalar(value));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const afterFirst = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => w.forward(img, labels));
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, afterFirst, 'a training step leaks nothing');
    assert.ok(losses[losses.length - 1]! < losses[0]! * 0.8, `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
    optimizer.dispose();
    w.dispose();
  });
});
