/**
 * Calls that must compile, with the inferred result types pinned down. Never run: test/types/types.test.ts
 * type-checks this file (and so does the repository's `tsc -p tsconfig.json`). The output ranks of
 * the whole einops corpus are checked there too, from ../shared/fixtures/einops/cases.json.
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  einsum, pack, parseShape, rearrange, reduce, repeat, unpack,
  type AxesLengths, type RankOf, type Reduction, type TensorOfRank,
} from '@vit/einops';
import type { Equal, Expect } from '../expect.js';

declare const scalar: tf.Scalar;
declare const x2: tf.Tensor2D;
declare const x3: tf.Tensor3D;
declare const x4: tf.Tensor4D;
declare const x6: tf.Tensor<tf.Rank.R6>;
declare const x8: TensorOfRank<8>;
declare const v3: tf.Variable<tf.Rank.R3>;
declare const any: tf.Tensor;
declare const pattern: string;
declare const lengths: AxesLengths;
declare const list3: tf.Tensor3D[];
declare const operands: tf.Tensor[];
declare const reduction: Reduction;

// The README's example: the result's rank follows from the pattern.
const patches = rearrange(x4, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: 16, p2: 16 });
export type T1 = Expect<Equal<typeof patches, tf.Tensor3D>>;
// No spaces needed; units; a variable; a scalar in.
const tight: tf.Tensor2D = rearrange(x3, 'a(b c)d->(a b)(c d)', { b: 2 });
const units: tf.Tensor4D = rearrange(x2, 'a b -> a 1 b ()');
const variable: tf.Tensor3D = rearrange(v3, 'a b c -> c b a');
const fromScalar: tf.Tensor2D = rearrange(scalar, ' -> 1 1');
// An ellipsis takes the dimensions the named ones leave: rank 6 in, 2 named, 4 under '...'.
const ell = rearrange(x6, 'b ... c -> (b c) ...');
export type T2 = Expect<Equal<typeof ell, tf.Tensor<tf.Rank.R5>>>;
// Beyond tfjs' Tensor6D: a tensor whose shape is a tuple; a 64-character pattern on rank 8.
const long = rearrange(x8, 'batch t (h1 h2) (w1 w2) c0 c1 c2 c3 -> batch (t h1) w1 (h2 w2 c0 c1 c2 c3)', { h2: 2, w2: 2 });
export type T3 = Expect<Equal<typeof long, tf.Tensor4D>>;
const r8 = rearrange(x8, 'a b c d e f g h -> h g f e d c b a');
export type T4 = Expect<Equal<RankOf<typeof r8>, 8>>;
// A list is stacked on a new leading axis.
const stacked: tf.Tensor4D = rearrange([x3, x3], 'n a b c -> a b c n');
const stackedArray: tf.Tensor2D = rearrange(list3, 'n a b c -> (n a) (b c)');
// Unknown rank: checked at run time; without an ellipsis on the right the rank is still known.
const known: tf.Tensor2D = rearrange(any, 'b c h w -> b (c h w)');
const unknown = rearrange(any, 'b ... -> ... b');
export type T5 = Expect<Equal<typeof unknown, tf.Tensor>>;
// A pattern known only at run time compiles as before and gives a tf.Tensor; so do lengths typed
// Record<string, number> (the names they give are not known).
const runtime = rearrange(x4, pattern);
export type T6 = Expect<Equal<typeof runtime, tf.Tensor>>;
const runtimeLengths: tf.Tensor2D = rearrange(x3, 'a (b c) d -> (a b) (c d)', lengths);
declare const either: boolean;
const union = rearrange(x2, either ? 'a b -> b a' : 'a b -> (a b)');
export type T7 = Expect<Equal<typeof union, tf.Tensor2D | tf.Tensor1D>>;

// reduce: names, a callable, any Reduction.
const pooled: tf.Tensor2D = reduce(x3, 'b n d -> b d', 'mean');
const all: tf.Scalar = reduce(x3, 'a b c -> ', 'sum');
const custom: tf.Tensor1D = reduce(x2, 'a b -> a', (t, axes) => t);
const someReduction: tf.Tensor1D = reduce(x2, 'a b -> b', reduction);

// repeat: new axes with lengths, numbers, an ellipsis.
const tiled: tf.Tensor3D = repeat(x2, 'h w -> h w c', { c: 3 });
const anon: tf.Tensor3D = repeat(x2, 'h w -> h w 3');
const repEll: tf.Tensor4D = repeat(x3, '... d -> b ... d', { b: 2 });
const repUnknownLengths: tf.Tensor3D = repeat(x2, 'h w -> h w c', lengths);

// einsum
const scores: tf.Tensor4D = einsum(x4, x4, 'b h i d, b h j d -> b h i j');
const trace: tf.Scalar = einsum(x2, 'i i ->');
const batched = einsum(x4, x2, '... i j, j k -> ... i k');
export type T8 = Expect<Equal<typeof batched, tf.Tensor4D>>;
const spread = einsum(...operands, 'i j, j k -> i k');
export type T9 = Expect<Equal<typeof spread, tf.Tensor2D>>;

// pack / unpack / parseShape
const [packed, ps] = pack([x2, x3], 'b *');
export type T10 = Expect<Equal<typeof packed, tf.Tensor2D>>;
const parts: tf.Tensor[] = unpack(packed, ps, 'b *');
const dims: Record<string, number> = parseShape(x4, 'b _ h w');

export const used = [
  patches, tight, units, variable, fromScalar, ell, long, r8, stacked, stackedArray, known, unknown, runtime, runtimeLengths,
  union, pooled, all, custom, someReduction, tiled, anon, repEll, repUnknownLengths, scores, trace, batched, spread, packed,
  parts, dims,
];
