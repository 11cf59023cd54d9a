/**
 * The per-shape plan of a transformation recipe: every axis length resolved, plus the shapes the
 * kernels will see. Pure data, cached per recipe. Follows einops' `_reconstruct_from_shape`.
 */
import { EinopsError } from '../errors.js';
import { planBroadcast, planPermutation, type BroadcastProgram, type PermutationProgram } from './kernels.js';
import { MAX_RANK, product } from './layout.js';
import type { TransformRecipe } from './recipe.js';

export interface TransformPlan {
  /** Lengths of the input's elementary axes, in input order. */
  readonly leftLengths: readonly number[];
  /** Kept axes to output order and reduced axes to the end (einops' order of operations). */
  readonly permuteAll: PermutationProgram;
  /**
   * Reduce first, then permute the (smaller) result: the input viewed with adjacent axes of the same
   * kind merged, the reduced axes of that view, and the permutation of the kept axes afterwards.
   * Undefined when the merged view still has more than MAX_RANK axes.
   */
  readonly reduceFirst: { readonly shape: readonly number[]; readonly axes: readonly number[]; readonly keptPermute: PermutationProgram } | undefined;
  /** Product of the kept axes' lengths and of the reduced axes' lengths. */
  readonly keptSize: number;
  readonly reducedSize: number;
  /** Adds the new axes of repeat (from the output elementary axes with 1 for added axes); undefined if none. */
  readonly broadcast: BroadcastProgram | undefined;
  readonly outputShape: readonly number[];
  /** The input or the output has no element. */
  readonly empty: boolean;
}

export function getPlan(recipe: TransformRecipe, shape: readonly number[], lengths: Readonly<Record<string, number>>):
TransformPlan {
  let key = shape.join(',');
  for (const name of recipe.givenAxes.keys()) key += `;${lengths[name]}`;
  let plan = recipe.plans.get(key);
  if (plan === undefined) {
    plan = buildPlan(recipe, shape, lengths);
    recipe.plans.set(key, plan);
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
  const outputShape = recipe.outputGroups.map((group) => product(group.map((i) => lengths[i]!)));
  return {
    leftLengths,
    permuteAll: planPermutation(shape, leftLengths, recipe.permutation),
    reduceFirst: recipe.reducedCount > 0 ? planReduceFirst(recipe, leftLengths) : undefined,
    keptSize: product(keptLengths),
    reducedSize: product(permuted.slice(keptCount)),
    broadcast: needsBroadcast ? planBroadcast(broadcastFrom, broadcastTo) : undefined,
    outputShape,
    empty: product(shape) === 0 || outputShape.includes(0),
  };
}

function planReduceFirst(recipe: TransformRecipe, leftLengths: readonly number[]): TransformPlan['reduceFirst'] {
  const keptCount = recipe.permutation.length - recipe.reducedCount;
  const isReduced = new Set(recipe.permutation.slice(keptCount));
  const shape: number[] = [];
  const axes: number[] = [];
  let lastKind: boolean | undefined;
  leftLengths.forEach((length, axis) => {
    if (length === 1) return;
    const reduced = isReduced.has(axis);
    if (reduced === lastKind) shape[shape.length - 1]! *= length;
    else {
      if (reduced) axes.push(shape.length);
      shape.push(length);
    }
    lastKind = reduced;
  });
  if (shape.length > MAX_RANK) return undefined;
  // After reducing, kept axes are in input order; the permutation puts them in output order.
  const keptInInputOrder = [...recipe.permutation.slice(0, keptCount)].sort((a, b) => a - b);
  const keptLengths = keptInInputOrder.map((axis) => leftLengths[axis]!);
  const keptPerm = recipe.permutation.slice(0, keptCount).map((axis) => keptInInputOrder.indexOf(axis));
  const reducedShape = shape.filter((_, i) => !axes.includes(i));
  return { shape, axes, keptPermute: planPermutation(reducedShape, keptLengths, keptPerm) };
}
