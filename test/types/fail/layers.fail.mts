/**
 * Layer constructions and inputs that must NOT compile (see fail/ops.fail.mts for the format).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { EinMix, Rearrange, Reduce } from '@vit/einops';

declare const x3: tf.Tensor3D;
declare const x4: tf.Tensor4D;

new Rearrange('b c -> b d'); // error: axis 'd' is on the right of rearrange but not on the left
new Rearrange('b (c -> b c'); // error: '->' or ',' inside a group
new Rearrange('b c -> c b', { q: 2 }); // error: axes lengths are given for 'q'
new Reduce('b c -> b d', 'sum'); // error: axis 'd' is on the right of reduce
new Reduce('b c -> b', 'median'); // error: unknown reduction 'median'
new Rearrange('b c h w -> b h w c').forward(x3); // error: the left side of the pattern has 4 dimensions, but the input has rank 3
new Reduce('b n d -> b d', 'mean').forward(x4); // error: the left side of the pattern has 3 dimensions, but the input has rank 4

new EinMix('a b -> a c', 'b c', null, { b: 2 }); // error: weight axis 'c' needs a length in axesLengths
new EinMix('a b -> a c', 'b c e', null, { b: 2, c: 2, e: 2 }); // error: weight axis 'e' is redundant
new EinMix('a b -> a c', 'b c', 'a', { b: 2, c: 2 }); // error: bias axis 'a' needs a length
new EinMix('a b -> a c', 'b c', 'x', { b: 2, c: 2 }); // error: bias axis 'x' is not present in the output
new EinMix('a b -> a c x', 'b c', null, { b: 2, c: 2 }); // error: axis 'x' is on the right of EinMix but neither on the left nor in the weight
new EinMix('a ... b -> a c', 'b c', null, { b: 2, c: 2 }); // error: an ellipsis (...) in EinMix should be on both sides
new EinMix('a b -> a c', 'b (c)', null, { b: 2, c: 2 }); // error: no parentheses in the weight shape
new EinMix('a b -> a c', 'b c', null, { b: 2, c: 2, z: 1 }); // error: axes lengths are given for 'z'
new EinMix('a b 2 -> a c', 'b c', null, { b: 2, c: 2 }); // error: anonymous axes (numbers) are not allowed in EinMix
new EinMix('a b -> a c', 'b c ...', null, { b: 2, c: 2 }); // error: no ellipsis (...) in the weight shape
new EinMix('a (b c) -> a d', 'd', null, { d: 2 }); // error: cannot infer the lengths of 'b', 'c'
new EinMix('b ... c -> b c ...', 'c', 'c', { c: 2 }); // error: all bias axes should come after the ellipsis
new EinMix('a b -> a c', 'b c', null, { b: 2, c: 2 }).forward(x3); // error: the left side of the pattern has 2 dimensions, but the input has rank 3
