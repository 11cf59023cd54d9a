/** Validation at the edge: arguments are checked here so that nothing below sees a bad input. */
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError, show } from '../errors.js';

export type AxesLengths = Readonly<Record<string, number>>;

export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

export function requireTensor(x: unknown, what: string): tf.Tensor {
  if (!isTensor(x)) throw new EinopsError(`${what} must be a tf.Tensor, got ${describe(x)}`);
  if (x.isDisposed) throw new EinopsError(`${what} is a disposed tensor`);
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    throw new EinopsError(`${what} has dtype ${x.dtype}; einops operations support float32, int32 and bool`);
  }
  return x;
}

export function requirePattern(pattern: unknown): string {
  if (typeof pattern !== 'string') throw new EinopsError(`pattern must be a string, got ${describe(pattern)}`);
  return pattern;
}

/** The lengths object used when none is given (recognised by identity on the hot path). */
export const NO_LENGTHS: AxesLengths = Object.freeze({});

export function requireAxesLengths(lengths: unknown): AxesLengths {
  if (lengths === undefined || lengths === null) return NO_LENGTHS;
  if (typeof lengths !== 'object' || Array.isArray(lengths) || isTensor(lengths)) {
    throw new EinopsError(`axes lengths must be an object like {h: 2}, got ${describe(lengths)}`);
  }
  for (const [name, value] of Object.entries(lengths)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new EinopsError(`length of axis ${name} must be a non-negative integer, got ${describe(value)}`);
    }
  }
  return lengths as AxesLengths;
}

/** The dtype numpy would give when combining tensors: bool < int32 < float32. */
export function commonDtype(tensors: readonly tf.Tensor[]): tf.DataType {
  return tensors.map((t) => t.dtype).reduce((a, b) => tf.upcastType(a, b));
}

/** einops stacks a list of tensors on a new leading axis (numpy dtype promotion included). */
export function stackInputs(xs: readonly unknown[]): tf.Tensor {
  if (xs.length === 0) throw new EinopsError("Rearrange/Reduce/Repeat can't be applied to an empty list");
  const tensors = xs.map((t, i) => requireTensor(t, `list element #${i}`));
  const shape = tensors[0]!.shape;
  tensors.forEach((t, i) => {
    if (t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
      throw new EinopsError(`all tensors of a list input must have the same shape; #0 has ${show(shape)}, #${i} has ${show(t.shape)}`);
    }
  });
  const dtype = commonDtype(tensors);
  return tf.tidy(() => tf.stack(tensors.map((t) => (t.dtype === dtype ? t : tf.cast(t, dtype)))));
}

/** Runs `body`, adding einops' context (pattern, input shape, lengths) to any EinopsError. */
export function withContext<T>(label: string, pattern: string, input: unknown, lengths: unknown, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (!(e instanceof EinopsError)) throw e;
    let where = ` Error while processing ${label}-reduction pattern "${pattern}".`;
    where += Array.isArray(input) ? '\n Input is list. ' : isTensor(input) ? `\n Input tensor shape: ${show(input.shape)}. ` : '\n ';
    where += `Additional info: ${show(lengths ?? {})}.`;
    throw new EinopsError(`${where}\n ${e.message}`);
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (isTensor(x)) return `a tensor of shape ${show(x.shape)}`;
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
}
