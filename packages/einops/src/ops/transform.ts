/**
 * rearrange, reduce and repeat share one pipeline: recipe (per pattern) -> plan (per shape) ->
 * at most permute -> reduce -> broadcast -> reshape, each step a rank-safe tfjs kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError } from '../errors.js';
import { chain, reshapeIfNeeded, runBroadcast, runPermutation } from '../lowering/kernels.js';
import { getPlan, type TransformPlan } from '../lowering/plan.js';
import { getRecipe, type TransformOp, type TransformRecipe } from '../lowering/recipe.js';
import {
  NO_LENGTHS, requireAxesLengths, requirePattern, requireTensor, stackInputs, withContext, type AxesLengths,
} from './inputs.js';

export const REDUCTIONS = ['min', 'max', 'sum', 'mean', 'prod', 'any', 'all'] as const;
export type ReductionName = (typeof REDUCTIONS)[number];
/** einops' callable reduction: reduce `x` over `reducedAxes` and return the tensor without them. */
export type ReduceFn = (x: tf.Tensor, reducedAxes: number[]) => tf.Tensor;
export type Reduction = ReductionName | ReduceFn;

export function applyTransform(op: TransformOp, input: tf.Tensor | readonly tf.Tensor[], pattern: string,
  reduction: Reduction | undefined, axesLengths: AxesLengths | undefined): tf.Tensor {
  const label = op === 'reduce' ? (typeof reduction === 'function' ? 'callable' : String(reduction)) : op;
  return withContext(label, String(pattern), input, axesLengths, () => {
    requirePattern(pattern);
    const lengths = requireAxesLengths(axesLengths);
    if (op === 'reduce') checkReduction(reduction);
    const x = Array.isArray(input) ? stackInputs(input) : requireTensor(input, 'input');
    try {
      const names = lengths === NO_LENGTHS ? NO_NAMES : Object.keys(lengths).sort();
      const recipe = getRecipe(op, pattern, x.rank, names, label);
      const plan = getPlan(recipe, x.shape, lengths);
      return execute(x, recipe, plan, reduction);
    } finally {
      if (x !== input) x.dispose();
    }
  });
}

const NO_NAMES: readonly string[] = [];

export function checkReduction(reduction: unknown): asserts reduction is Reduction {
  if (typeof reduction === 'function') return;
  if (!(REDUCTIONS as readonly unknown[]).includes(reduction)) {
    throw new EinopsError(`Unknown reduction ${String(reduction)}. Expect one of ${REDUCTIONS.join(', ')}.`);
  }
}

function execute(x: tf.Tensor, recipe: TransformRecipe, plan: TransformPlan, reduction: Reduction | undefined): tf.Tensor {
  const reducing = recipe.reducedCount > 0;
  if (reducing && reduction === 'mean' && x.dtype !== 'float32') {
    throw new EinopsError(`reduce_mean is not available for non-floating tensors (dtype ${x.dtype})`);
  }
  if (plan.empty) return zeroSizeResult(x, plan, reducing ? reduction : undefined);

  let t: tf.Tensor;
  if (reducing && typeof reduction !== 'function' && plan.reduceFirst !== undefined && reducesInPlace(x.dtype, reduction!)) {
    // One reduction kernel over the reduced axes, then a permutation of the smaller result.
    const { shape, axes, keptPermute } = plan.reduceFirst;
    t = chain(reshapeIfNeeded(x, shape), x, (cur) => reduceAxes(cur, reduction!, axes));
    t = chain(t, x, (cur) => runPermutation(cur, keptPermute));
  } else {
    // einops' order: permute (reduced axes last), then reduce the trailing axes as rows.
    t = runPermutation(x, plan.permuteAll);
    if (reducing) {
      t = chain(t, x, (cur) => tf.reshape(cur, [plan.keptSize, plan.reducedSize]));
      t = chain(t, x, (cur) => reduceRows(cur, reduction!, plan.keptSize));
    }
  }
  const { broadcast } = plan;
  if (broadcast !== undefined) t = chain(t, x, (cur) => runBroadcast(cur, broadcast));
  if (t === x) return tf.reshape(x, plan.outputShape as number[]);
  return chain(t, x, (cur) => reshapeIfNeeded(cur, plan.outputShape));
}

/**
 * Reducing over non-trailing axes makes tfjs transpose internally, which tfjs-backend-webgpu 4.22
 * gets wrong for int32 and bool (see transposeKernel): there those go through our own permutation.
 */
function reducesInPlace(dtype: tf.DataType, reduction: ReductionName): boolean {
  return tf.getBackend() !== 'webgpu' || (dtype === 'float32' && reduction !== 'any' && reduction !== 'all');
}

/** Reduces a [kept, reduced] matrix along its rows, giving [kept]; callables get this matrix too. */
function reduceRows(t: tf.Tensor, reduction: Reduction, keptSize: number): tf.Tensor {
  if (typeof reduction !== 'function') return reduceAxes(t, reduction, [1]);
  const out = reduction(t, [1]);
  if (!(out instanceof tf.Tensor) || out.size !== keptSize) {
    throw new EinopsError(`a callable reduction must return a tensor of ${keptSize} elements with the reduced axes removed`);
  }
  return out;
}

/** A named reduction over `axes` with numpy's dtype rules (bool sums count, any / all give bool). */
function reduceAxes(t: tf.Tensor, reduction: ReductionName, axes: readonly number[]): tf.Tensor {
  const ax = axes as number[];
  return tf.tidy(() => {
    switch (reduction) {
      case 'sum':
      case 'prod': {
        const numeric = t.dtype === 'bool' ? tf.cast(t, 'int32') : t;
        if (ax.length === 0) return numeric === t ? tf.clone(t) : numeric;
        return reduction === 'sum' ? tf.sum(numeric, ax) : tf.prod(numeric, ax);
      }
      case 'mean': return ax.length === 0 ? tf.clone(t) : tf.mean(t, ax);
      case 'max':
      case 'min': {
        if (ax.length === 0) return tf.clone(t);
        const numeric = t.dtype === 'bool' ? tf.cast(t, 'int32') : t;
        const r = reduction === 'max' ? tf.max(numeric, ax) : tf.min(numeric, ax);
        return t.dtype === 'bool' ? tf.cast(r, 'bool') : r;
      }
      case 'any':
      case 'all': {
        const truth = t.dtype === 'bool' ? t : tf.notEqual(t, tf.scalar(0, t.dtype));
        if (ax.length === 0) return truth === t ? tf.clone(t) : truth;
        return reduction === 'any' ? tf.any(truth, ax) : tf.all(truth, ax);
      }
    }
  });
}

/** Empty inputs or outputs: no kernel can be trusted with them, and numpy's identities decide. */
function zeroSizeResult(x: tf.Tensor, plan: TransformPlan, reduction: Reduction | undefined): tf.Tensor {
  const shape = plan.outputShape as number[];
  if (reduction === undefined) return tf.zeros(shape, x.dtype);
  if (typeof reduction === 'function') {
    return tf.tidy(() => tf.reshape(reduceRows(tf.reshape(x, [plan.keptSize, plan.reducedSize]), reduction, plan.keptSize), shape));
  }
  if ((reduction === 'max' || reduction === 'min') && plan.reducedSize === 0) {
    throw new EinopsError(`zero-size array to reduction operation ${reduction} which has no identity`);
  }
  const outDtype: tf.DataType = reduction === 'any' || reduction === 'all' ? 'bool'
    : (reduction === 'sum' || reduction === 'prod') && x.dtype === 'bool' ? 'int32' : x.dtype;
  const empty = shape.includes(0);
  switch (reduction) {
    case 'prod': return empty ? tf.zeros(shape, outDtype) : tf.ones(shape, outDtype);
    case 'all': return empty ? tf.zeros(shape, 'bool') : tf.ones(shape, 'bool');
    case 'mean': return tf.fill(shape, NaN, 'float32');
    default: return tf.zeros(shape, outDtype);
  }
}
