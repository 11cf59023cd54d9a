/**
 * Ranks at the type level: read from tfjs' rank-typed tensors (`tf.Tensor3D` ...) or from a
 * tensor whose `shape` is a fixed-length tuple, and turned back into tensor types.
 * An unknown rank is `number`.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A tuple of `N` zeros (N a literal up to 64; `number` gives `0[]`). */
export type Counter<N extends number, A extends 0[] = []> =
  number extends N ? 0[] : A['length'] extends N ? A : A['length'] extends 64 ? 0[] : Counter<N, [...A, 0]>;

/** A union collapses to `number` (unknown). */
type Single<N, All = N> = N extends unknown ? ([All] extends [N] ? N : number) : never;

type RankFromShape<S> = S extends readonly number[] ? (number extends S['length'] ? number : Single<S['length']>) : number;

type RankOfR<R, X> =
  [R] extends [tf.Rank.R0] ? 0
    : [R] extends [tf.Rank.R1] ? 1
      : [R] extends [tf.Rank.R2] ? 2
        : [R] extends [tf.Rank.R3] ? 3
          : [R] extends [tf.Rank.R4] ? 4
            : [R] extends [tf.Rank.R5] ? 5
              : [R] extends [tf.Rank.R6] ? 6
                : X extends { readonly shape: infer S } ? RankFromShape<S> : number;

/**
 * The rank of a tensor type as a number literal, or `number` when it is not known:
 * `RankOf<tf.Tensor3D>` is 3, `RankOf<tf.Tensor>` is number. A list of tensors (einops stacks it)
 * has the rank of its elements plus one.
 */
export type RankOf<X> =
  [X] extends [never] ? number
    : [X] extends [{ readonly rankType: infer R }] ? Single<RankOfR<R, X>>
      : [X] extends [readonly (infer E)[]]
        ? [E] extends [never] ? number
          : [E] extends [{ readonly rankType: infer R }]
            ? Single<RankOfR<R, E>> extends infer N extends number
              ? number extends N ? number : Counter<N> extends infer C extends 0[] ? [...C, 0]['length'] : number
              : number
            : number
        : number;

type NumberTuple<N extends number, A extends number[] = []> = A['length'] extends N ? A : NumberTuple<N, [...A, number]>;

/**
 * The tensor type of rank `N`: `tf.Scalar` ... `tf.Tensor6D`, then a `tf.Tensor` whose `shape` is a
 * tuple of N numbers (tfjs has no named types beyond rank 6); `tf.Tensor` when N is `number`.
 */
export type TensorOfRank<N extends number> =
  number extends N ? tf.Tensor
    : N extends 0 ? tf.Scalar
      : N extends 1 ? tf.Tensor1D
        : N extends 2 ? tf.Tensor2D
          : N extends 3 ? tf.Tensor3D
            : N extends 4 ? tf.Tensor4D
              : N extends 5 ? tf.Tensor5D
                : N extends 6 ? tf.Tensor<tf.Rank.R6>
                  : Counter<N> extends infer C extends 0[] ? number extends C['length'] ? tf.Tensor
                    : tf.Tensor & { readonly shape: NumberTuple<N> } : tf.Tensor;
