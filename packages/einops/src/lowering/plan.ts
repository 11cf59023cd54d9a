/**
 * The per-shape plan of a transformation recipe: every axis length resolved, plus the shapes the
 * kernels will see. Pure data, cached per recipe. Follows einops' `_reconstruct_from_shape`.
 */
import { EinopsError } from '../errors.js';
import { LruCache } from './lru.js';
import { product } from './layout.js';
import type { TransformRecipe } from './recipe.js';

export interface TransformPlan {
  /** Lengths of the input's elementary axes, in input order. */
  readonly leftLengths: readonly number[];
  readonly permutation: readonly number[];
  /** Product of the kept axes' lengths and of the reduced axes' lengths. */
  readonly keptSize: number;
  readonly reducedSize: number;
  /** Output elementary axes with 1 for added axes, and with added axes' lengths. */
  readonly broadcastFrom: readonly number[];
  readonly broadcastTo: readonly number[];
  readonly needsBroadcast: boolean;
  readonly outputShape: readonly number[];
  readonly inputSize: number;
}

const plansByRecipe = new WeakMap<TransformRecipe, LruCache<string, TransformPlan>>();

export function getPlan(recipe: TransformRecipe, shape: readonly number[], lengths: Readonly<Record<string, number>>):
TransformPlan {
  let key = shape.join(',');
  for (const name of recipe.givenAxes.keys()) key += `;${lengths[name]}`;
  let plans = plansByRecipe.get(recipe);
  if (plans === undefined) {
    plans = new LruCache(64);
    plansByRecipe.set(recipe, plans);
  }
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = buildPlan(recipe, shape, lengths);
    plans.set(key, plan);
  }
  return plan;
}

function buildPlan(recipe: TransformRecipe, shape: readonly number[], given: Readonly<Record<string, number>>):
TransformPlan {
  const lengths = [...recipe.elementaryLengths];
  for (const [name, index] of recipe.givenAxes) lengths[index] = given[name]!;

  recipe.inputComposition.forEach(({ known, unknown }, dim) => {
    const length = shape[dim]!;
    if (known.length === 0 && unknown.length === 1) {
      lengths[unknown[0]!] = length;
      return;
    }
    const knownProduct = product(known.map((i) => lengths[i]!));
    if (unknown.length === 0) {
      if (length !== knownProduct) throw new EinopsError(`Shape mismatch, ${length} != ${knownProduct}`);
      return;
    }
    if (knownProduct === 0) {
      throw new EinopsError(`Shape mismatch, can't infer the length of an axis composed with a length-0 axis (dimension of length ${length})`);
    }
    if (length % knownProduct !== 0) {
      throw new EinopsError(`Shape mismatch, can't divide axis of length ${length} in chunks of ${knownProduct}`);
    }
    lengths[unknown[0]!] = length / knownProduct;
  });

  const leftLengths = lengths.slice(0, recipe.leftAxisCount);
  const permuted = recipe.permutation.map((i) => leftLengths[i]!);
  const keptCount = permuted.length - recipe.reducedCount;
  const keptLengths = permuted.slice(0, keptCount);
  const broadcastFrom: number[] = [];
  const broadcastTo: number[] = [];
  let needsBroadcast = false;
  for (const axis of recipe.outputAxes) {
    if ('kept' in axis) {
      broadcastFrom.push(keptLengths[axis.kept]!);
      broadcastTo.push(keptLengths[axis.kept]!);
    } else {
      broadcastFrom.push(1);
      broadcastTo.push(lengths[axis.added]!);
      if (lengths[axis.added] !== 1) needsBroadcast = true;
    }
  }
  return {
    leftLengths,
    permutation: recipe.permutation,
    keptSize: product(keptLengths),
    reducedSize: product(permuted.slice(keptCount)),
    broadcastFrom,
    broadcastTo,
    needsBroadcast,
    outputShape: recipe.outputGroups.map((group) => product(group.map((i) => lengths[i]!))),
    inputSize: product(shape),
  };
}
