import * as tf from '@tensorflow/tfjs-core';
import { EinopsError } from '../errors.js';
import { getEinsumPlan, getEinsumRecipe, type EinsumStep } from '../lowering/einsum-plan.js';
import { batchedMatMul, preferredMatMulLayout } from '../lowering/batched-matmul.js';
import { reshapeIfNeeded, runPermutation } from '../lowering/kernels.js';
import { commonDtype, requirePattern, requireTensor, withContext } from './inputs.js';
import type { EinsumPattern, EinsumResult } from '../typed/checks.js';

/**
 * einops' einsum: tensors first, pattern last, multi-letter axis names.
 * `einsum(q, k, 'b h i d, b h j d -> b h i j')`. Any number of operands, `...`, repeated indices
 * (traces, diagonals), size-1 broadcasting, as numpy's einsum. Lowered to transpose / reshape /
 * matMul / sum (never tf.einsum), so it runs on every backend and is differentiable.
 * A literal pattern is checked against the number and ranks of the tensors, and types the result.
 */
export function einsum<T extends tf.Tensor[], P extends string>(...tensorsAndPattern: [...T, EinsumPattern<P, T>]): EinsumResult<P, T>;
export function einsum(...tensorsAndPattern: [...tf.Tensor[], string]): tf.Tensor {
  const pattern = tensorsAndPattern[tensorsAndPattern.length - 1];
  const tensors = tensorsAndPattern.slice(0, -1) as unknown[];
  return withContext('einsum', String(pattern), tensors.length === 1 ? tensors[0] : tensors, {}, () => {
    if (tensorsAndPattern.length < 2) {
      throw new EinopsError('einsum takes at least two arguments: the tensors (at least one), followed by the pattern');
    }
    requirePattern(pattern);
    const inputs = tensors.map((t, i) => requireTensor(t, `einsum operand #${i}`));
    const recipe = getEinsumRecipe(pattern as string);
    const dtype = commonDtype(inputs);
    const plan = getEinsumPlan(recipe, inputs.map((t) => t.shape), dtype !== 'float32', preferredMatMulLayout());
    if (plan.empty) return tf.zeros(plan.outputShape as number[], dtype);
    // Integers and booleans are computed exactly in int32 (numpy keeps int32; bool is OR of ANDs).
    const work = dtype === 'float32' ? 'float32' : 'int32';
    return tf.tidy(() => {
      const regs: tf.Tensor[] = inputs.map((t) => (t.dtype === work ? t : tf.cast(t, work)));
      let result: tf.Tensor | undefined;
      for (const step of plan.steps) result = runStep(step, regs);
      if (dtype === 'bool') return tf.greater(result!, 0);
      // The caller owns the result, so it is never one of the inputs.
      return inputs.includes(result!) ? tf.clone(result!) : result!;
    });
  });
}

function runStep(step: EinsumStep, regs: tf.Tensor[]): tf.Tensor {
  switch (step.kind) {
    case 'diagonal': {
      const t = reshapeIfNeeded(runPermutation(regs[step.reg]!, step.program), [step.rest, step.n, step.n]);
      return (regs[step.reg] = tf.sum(tf.mul(t, tf.eye(step.n, step.n, undefined, t.dtype as 'float32' | 'int32')), 2));
    }
    case 'sum': {
      const t = reshapeIfNeeded(runPermutation(regs[step.reg]!, step.program), [step.kept, step.summed]);
      return (regs[step.reg] = tf.sum(t, 1));
    }
    case 'contract': {
      const a = runPermutation(regs[step.a]!, step.programA);
      const b = runPermutation(regs[step.b]!, step.programB);
      const { batch, m, k, n, transposeA, transposeB } = step;
      if (!step.byProduct) {
        const aShape = transposeA ? [k, m] : [m, k];
        const bShape = transposeB ? [n, k] : [k, n];
        if (batch === 1) {
          return (regs[step.out] = tf.matMul(reshapeIfNeeded(a, aShape) as tf.Tensor2D, reshapeIfNeeded(b, bShape) as tf.Tensor2D, transposeA, transposeB));
        }
        return (regs[step.out] = batchedMatMul(reshapeIfNeeded(a, [batch, ...aShape]) as tf.Tensor3D, reshapeIfNeeded(b, [batch, ...bShape]) as tf.Tensor3D,
          { transposeA, transposeB }));
      }
      // No contracted axis: an elementwise product with broadcasting, not a matMul. int32 contracts
      // exactly this way too, summing the innermost axis (matMul is float32-only on WASM, and
      // reducing another axis makes tfjs transpose int32 internally, which WebGPU gets wrong).
      const product = tf.mul(reshapeIfNeeded(a, [batch, m, 1, k]), reshapeIfNeeded(b, [batch, 1, n, k]));
      return (regs[step.out] = k === 1 ? product : tf.sum(product, 3));
    }
    case 'output':
      return reshapeIfNeeded(runPermutation(regs[step.reg]!, step.program), step.outputShape);
  }
}
