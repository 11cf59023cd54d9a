import type * as tf from '@tensorflow/tfjs-core';
import { EinopsError, show } from '../errors.js';
import { BoundedCache } from '../lowering/cache.js';
import { AnonymousAxis, ELLIPSIS, type Expression } from '../parsing/expression.js';
import { parseSinglePattern } from '../parsing/patterns.js';
import { requirePattern, requireTensor } from './inputs.js';
import type { ParseShapePattern } from '../typed/checks.js';

/** Parsed patterns (pure data): the checks against a shape below run per call. */
const expressions = new BoundedCache<string, Expression>(256);

/**
 * Names the axes of a tensor: `parseShape(x, 'batch _ h w')` gives `{batch: 2, h: 5, w: 7}`.
 * `_` skips an axis, `...` any number of them; `1`, `()` and numbers must match the shape.
 */
export function parseShape<X extends tf.Tensor, P extends string>(x: X, pattern: ParseShapePattern<P, X>): Record<string, number>;
export function parseShape(x: tf.Tensor, pattern: string): Record<string, number> {
  requirePattern(pattern);
  const shape = requireTensor(x, 'input').shape;
  let exp = expressions.get(pattern);
  if (exp === undefined) expressions.set(pattern, (exp = parseSinglePattern(pattern, { allowUnderscore: true })));
  const where = `${pattern} ${show(shape)}`;
  if (exp.composition.some((g) => g !== ELLIPSIS && g.length > 1)) {
    throw new EinopsError(`Can't parse shape with composite axes: ${where}`);
  }
  if (exp.composition.some((g) => g !== ELLIPSIS && g.includes(ELLIPSIS))) {
    throw new EinopsError(`Can't parse shape with an ellipsis in parenthesis: ${where}`);
  }
  const n = exp.composition.length;
  if (shape.length !== n) {
    if (!exp.hasEllipsis) throw new EinopsError(`Can't parse shape with different number of dimensions: ${where}`);
    if (shape.length < n - 1) throw new EinopsError(`Can't parse shape with this number of dimensions: ${where}`);
  }
  let composition = exp.composition;
  if (exp.hasEllipsis) {
    const at = composition.indexOf(ELLIPSIS);
    const skipped = Array.from({ length: shape.length - n + 1 }, () => ['_']);
    composition = [...composition.slice(0, at), ...skipped, ...composition.slice(at + 1)];
  }
  const result: Record<string, number> = {};
  composition.forEach((group, d) => {
    const length = shape[d]!;
    if (group === ELLIPSIS) return;
    if (group.length === 0) {
      if (length !== 1) throw new EinopsError(`Length of axis is not 1: ${where}`);
      return;
    }
    const axis = group[0]!;
    if (axis instanceof AnonymousAxis) {
      if (axis.value !== length) throw new EinopsError(`Length of anonymous axis does not match: ${where}`);
    } else if (axis !== '_') {
      result[axis] = length;
    }
  });
  return result;
}
