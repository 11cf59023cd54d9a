/**
 * The transformation recipe of rearrange / reduce / repeat: everything that follows from the
 * pattern, the operation, the names of the given lengths and the input rank. Pure data, cached.
 * The rules follow einops' `_prepare_transformation_recipe` exactly.
 */
import { EinopsError } from '../errors.js';
import {
  AnonymousAxis, ELLIPSIS, invalidAxisNameReason, showAxes, type Axis, type Expression, type Group,
} from '../parsing/expression.js';
import { parseArrowPattern } from '../parsing/patterns.js';
import { BoundedCache } from './cache.js';
import type { TransformPlan } from './plan.js';

export type TransformOp = 'rearrange' | 'reduce' | 'repeat';

/** An elementary axis' length before a shape is seen. */
export const UNKNOWN = -1; // inferred from the input shape
export const EXPECTED = -2; // given in axesLengths

export interface TransformRecipe {
  /** Lengths of all elementary axes: left-side axes in input order, then axes added on the right. */
  readonly elementaryLengths: readonly number[];
  /** Elementary index of each axis whose length the caller gives. */
  readonly givenAxes: ReadonlyMap<string, number>;
  /** Per input dimension: the elementary axes of known and of unknown length it is composed of. */
  readonly inputComposition: ReadonlyArray<{ readonly known: readonly number[]; readonly unknown: readonly number[] }>;
  /** Number of left-side elementary axes (a prefix of elementaryLengths). */
  readonly leftAxisCount: number;
  /** Left elementary axes reordered: kept axes in output order, then reduced axes. */
  readonly permutation: readonly number[];
  /** How many trailing axes of `permutation` are reduced. */
  readonly reducedCount: number;
  /** Output elementary axes in order: a position in the permuted kept axes, or an added axis. */
  readonly outputAxes: ReadonlyArray<{ readonly kept: number } | { readonly added: number }>;
  /** Output dimensions as groups of elementary indices. */
  readonly outputGroups: readonly (readonly number[])[];
  /** This recipe's plans per input shape and given lengths (see plan.ts). */
  readonly plans: BoundedCache<string, TransformPlan>;
}

/**
 * Recipes per pattern, then per (operation, rank, length names): cheap keys on hits. The reduction
 * only words an error message, and a failed recipe is not cached, so it is not part of the key.
 */
const recipes = new BoundedCache<string, Map<string, TransformRecipe>>(512);

export function getRecipe(op: TransformOp, pattern: string, rank: number, axisNames: readonly string[],
  reductionKey: string): TransformRecipe {
  let byPattern = recipes.get(pattern);
  if (byPattern === undefined) recipes.set(pattern, (byPattern = new Map()));
  const key = axisNames.length === 0 ? `${op} ${rank}` : `${op} ${rank} ${axisNames.join(',')}`;
  let recipe = byPattern.get(key);
  if (recipe === undefined) {
    recipe = prepareRecipe(op, pattern, rank, axisNames, reductionKey);
    byPattern.set(key, recipe);
  }
  return recipe;
}

function difference<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
  return new Set([...a].filter((x) => !b.has(x)));
}

function checkSides(op: TransformOp, pattern: string, left: Expression, right: Expression, axisNames: readonly string[],
  reductionKey: string): void {
  if (!left.hasEllipsis && right.hasEllipsis) {
    throw new EinopsError(`Ellipsis found in right side, but not left side of a pattern ${pattern}`);
  }
  if (left.hasEllipsis && left.ellipsisParenthesized) {
    throw new EinopsError(`Ellipsis inside parenthesis in the left side is not allowed: ${pattern}`);
  }
  if (op === 'rearrange') {
    if (left.hasNonUnitaryAnonymousAxes || right.hasNonUnitaryAnonymousAxes) {
      throw new EinopsError('Non-unitary anonymous axes are not supported in rearrange (exception is length 1)');
    }
    const onlyOneSide = new Set([...difference(left.identifiers, right.identifiers),
      ...difference(right.identifiers, left.identifiers)]);
    if (onlyOneSide.size > 0) {
      throw new EinopsError(`Identifiers only on one side of expression (should be on both): ${showAxes(onlyOneSide)}`);
    }
  } else if (op === 'repeat') {
    const leftOnly = difference(left.identifiers, right.identifiers);
    if (leftOnly.size > 0) {
      throw new EinopsError(`Unexpected identifiers on the left side of repeat: ${showAxes(leftOnly)}`);
    }
    const named = new Set<Axis>([...right.identifiers].filter((a) => !(a instanceof AnonymousAxis)));
    const withoutSize = difference(named, new Set<Axis>([...left.identifiers, ...axisNames]));
    if (withoutSize.size > 0) {
      throw new EinopsError(`Specify sizes for new axes in repeat: ${showAxes(withoutSize)}`);
    }
  } else {
    const rightOnly = difference(right.identifiers, left.identifiers);
    if (rightOnly.size > 0) {
      throw new EinopsError(`Unexpected identifiers on the right side of reduce ${reductionKey}: ${showAxes(rightOnly)}`);
    }
  }
}

/** Checks what a pattern alone decides (syntax, sides, length names): layers call it at construction. */
export function validateTransformPattern(op: TransformOp, pattern: string, axisNames: readonly string[], reductionKey: string): void {
  const [left, right] = parseArrowPattern(pattern);
  checkSides(op, pattern, left, right, axisNames, reductionKey);
  for (const name of axisNames) {
    if (invalidAxisNameReason(name) !== undefined) throw new EinopsError(`Invalid name for an axis: '${name}'`);
    if (!left.identifiers.has(name) && !right.identifiers.has(name)) throw new EinopsError(`Axis ${name} is not used in transform`);
  }
}

function prepareRecipe(op: TransformOp, pattern: string, rank: number, axisNames: readonly string[],
  reductionKey: string): TransformRecipe {
  const [left, right] = parseArrowPattern(pattern);
  checkSides(op, pattern, left, right, axisNames, reductionKey);

  // Expand the ellipsis into as many elementary axes as the input rank leaves for it.
  let leftComposition: Group[];
  let rightComposition: Group[];
  const leftIds = new Set(left.identifiers);
  const rightIds = new Set(right.identifiers);
  if (left.hasEllipsis) {
    const otherDims = left.composition.length - 1;
    if (rank < otherDims) throw new EinopsError(`Wrong shape: expected >=${otherDims} dims. Received ${rank}-dim tensor.`);
    const ellipsisAxes = Array.from({ length: rank - otherDims }, (_, i) => `${ELLIPSIS}${i}`);
    leftComposition = left.composition.flatMap((g) => (g === ELLIPSIS ? ellipsisAxes.map((a) => [a]) : [g]));
    rightComposition = right.composition.flatMap((g) =>
      g === ELLIPSIS ? ellipsisAxes.map((a) => [a]) : [g.flatMap((a) => (a === ELLIPSIS ? ellipsisAxes : [a]))]);
    leftIds.delete(ELLIPSIS);
    ellipsisAxes.forEach((a) => leftIds.add(a));
    if (right.hasEllipsis) {
      rightIds.delete(ELLIPSIS);
      ellipsisAxes.forEach((a) => rightIds.add(a));
    }
  } else {
    if (rank !== left.composition.length) {
      throw new EinopsError(`Wrong shape: expected ${left.composition.length} dims. Received ${rank}-dim tensor.`);
    }
    leftComposition = left.composition as Group[];
    rightComposition = right.composition as Group[];
  }

  // Elementary axes: left axes in input order, then axes that only the right side has.
  const lengths = new Map<Axis, number>();
  for (const group of leftComposition) {
    for (const axis of group) lengths.set(axis, axis instanceof AnonymousAxis ? axis.value : UNKNOWN);
  }
  const leftAxisCount = lengths.size;
  for (const axis of rightIds) {
    if (!lengths.has(axis)) lengths.set(axis, axis instanceof AnonymousAxis ? axis.value : UNKNOWN);
  }
  const position = new Map<Axis, number>([...lengths.keys()].map((axis, i) => [axis, i]));

  const givenAxes = new Map<string, number>();
  for (const name of axisNames) {
    if (invalidAxisNameReason(name) !== undefined) throw new EinopsError(`Invalid name for an axis: '${name}'`);
    if (!lengths.has(name)) throw new EinopsError(`Axis ${name} is not used in transform`);
    lengths.set(name, EXPECTED);
    givenAxes.set(name, position.get(name)!);
  }

  const inputComposition = leftComposition.map((group) => {
    const known = group.filter((a) => lengths.get(a) !== UNKNOWN);
    const unknown = group.filter((a) => lengths.get(a) === UNKNOWN);
    if (unknown.length > 1) throw new EinopsError(`Could not infer sizes for ${showAxes(unknown)}`);
    return { known: known.map((a) => position.get(a)!), unknown: unknown.map((a) => position.get(a)!) };
  });

  const orderedLeft = leftComposition.flat();
  const orderedRight = rightComposition.flat();
  const reduced = orderedLeft.filter((a) => !rightIds.has(a));
  const keptInOutputOrder = orderedRight.filter((a) => leftIds.has(a));
  const permutation = [...keptInOutputOrder, ...reduced].map((a) => orderedLeft.indexOf(a));
  const keptIndex = new Map(keptInOutputOrder.map((a, i) => [a, i]));
  const outputAxes = orderedRight.map((a) =>
    leftIds.has(a) ? { kept: keptIndex.get(a)! } : { added: position.get(a)! });

  return {
    elementaryLengths: [...lengths.values()],
    givenAxes,
    inputComposition,
    leftAxisCount,
    permutation,
    reducedCount: reduced.length,
    outputAxes,
    outputGroups: rightComposition.map((g) => g.map((a) => position.get(a)!)),
    plans: new BoundedCache(64),
  };
}
