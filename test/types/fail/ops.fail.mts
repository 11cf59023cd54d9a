/**
 * Calls that must NOT compile. Each line that must fail ends with `// error: <part of the message>`;
 * test/types/types.test.ts checks that exactly those lines have an error containing that text.
 * (`.mts`, so that the repository's `tsc -p tsconfig.json` does not see these errors.)
 */
import type * as tf from '@tensorflow/tfjs-core';
import { einsum, pack, parseShape, rearrange, reduce, repeat, unpack } from '@vit/einops';

declare const x2: tf.Tensor2D;
declare const x3: tf.Tensor3D;
declare const x4: tf.Tensor4D;
declare const any: tf.Tensor;

// An axis on one side of rearrange only.
rearrange(x2, 'a b -> a d'); // error: einops: axis 'd' is on the right of rearrange but not on the left
rearrange(x3, 'a b c -> a b'); // error: axis 'c' is on the left of rearrange but not on the right
rearrange(any, 'a b -> a d'); // error: axis 'd' is on the right of rearrange
rearrange(x3, '... a -> a'); // error: an ellipsis (...) is on the left of rearrange but not on the right
rearrange(x2, 'a b -> a b ...'); // error: an ellipsis (...) is on the right of rearrange but not on the left
// The left side against the input's rank.
rearrange(x3, 'b c h w -> b h w c'); // error: the left side of the pattern has 4 dimensions, but the input has rank 3
rearrange(x2, 'a b c ... -> c b a ...'); // error: needs at least 3 dimensions besides '...'
rearrange([x2, x2], 'a b -> b a'); // error: the left side of the pattern has 2 dimensions, but the input has rank 3
rearrange(x2, '-> '); // error: the left side of the pattern has 0 dimensions, but the input has rank 2
// Repeated axes, parentheses, ellipses, characters, names.
rearrange(x2, 'a a -> a'); // error: axis 'a' appears twice on one side
rearrange(x2, 'a b -> (a b) (a)'); // error: axis 'a' appears twice on one side
rearrange(x2, 'a b -> (a b'); // error: a group is opened and never closed
rearrange(x2, 'a b) -> a b'); // error: ')' closes no group
rearrange(x2, 'a ((b) -> a b'); // error: nested parentheses
rearrange(x2, 'a (b -> a) b'); // error: '->' or ',' inside a group
rearrange(x3, '... a ... -> a ...'); // error: two ellipses (...) on one side
rearrange(x2, '(a ...) -> a ...'); // error: inside parentheses on the left side is not allowed
rearrange(x2, 'a .... -> a'); // error: a pattern may contain dots only in an ellipsis
rearrange(x2, 'a b -> a b$'); // error: unknown character '$'
rearrange(x2, 'a-b -> a'); // error: unknown character '-'
rearrange(x2, 'a b > a b'); // error: unknown character '>'
rearrange(x2, 'a_ b -> b a_'); // error: axis names should not start or end with an underscore
rearrange(x2, '_ b -> b _'); // error: invalid axis name '_'
rearrange(x2, '2a b -> b 2a'); // error: not starting with a digit
rearrange(x2, 'a (b 0) -> a b'); // error: an anonymous axis should have a positive length, not 0
rearrange(x2, 'a (b 02) -> a b'); // error: a number with a leading zero is ambiguous
rearrange(x2, 'a (b 2) -> a b'); // error: rearrange allows no anonymous axes (numbers) other than 1
rearrange(x2, 'a, b -> b a'); // error: ',' is not allowed in a rearrange pattern
rearrange(x2, 'a b'); // error: a rearrange pattern must contain exactly one '->'
rearrange(x2, 'a b -> b a -> a'); // error: must contain exactly one '->'
// Lengths.
rearrange(x2, 'a b -> b a', { c: 2 }); // error: axes lengths are given for 'c', which the pattern does not use
rearrange(x2, 'a b -> a b', { _x: 2 }); // error: axes lengths are given for '_x'
rearrange(x2, '(a b) c -> a b c'); // error: cannot infer the lengths of
rearrange(x2, '(a b c) d -> a b c d', { a: 2 }); // error: cannot infer the lengths of 'b', 'c'

// reduce
reduce(x2, 'a b -> a c', 'sum'); // error: axis 'c' is on the right of reduce but not on the left
reduce(x2, 'a b -> a 2', 'sum'); // error: anonymous axis 2 is on the right of reduce
reduce(x2, 'a b -> a', 'Sum'); // error: unknown reduction 'Sum'
reduce(x2, 'a b -> a', 'median'); // error: unknown reduction 'median'
reduce(x2, 'a b -> (a ...)', 'sum'); // error: is on the right of reduce but not on the left
reduce(x4, 'b c (h 2) (w 2) -> b c h w', 'max', { h: 2, q: 3 }); // error: axes lengths are given for 'q'

// repeat
repeat(x2, 'a b -> a'); // error: axis 'b' is on the left of repeat but not on the right
repeat(x2, 'a b -> a b c'); // error: axis 'c' is new on the right of repeat and needs a length
repeat(x2, 'a b -> a b c', { c: 2, d: 3 }); // error: axes lengths are given for 'd'
repeat(x2, '(a 2) b -> (a 2) b'); // error: anonymous axis 2 is on the left of repeat
repeat(x2, 'a ... -> a'); // error: an ellipsis (...) is on the left of repeat but not on the right
repeat(x3, 'a b -> b a c', { c: 2 }); // error: the left side of the pattern has 2 dimensions, but the input has rank 3

// einsum
einsum(x2, 'i j -> k'); // error: axis 'k' is on the right of einsum but in no operand
einsum(x2, 'i j'); // error: an einsum pattern must contain exactly one '->'
einsum(x2, x2, 'i j -> i'); // error: the einsum pattern has 1 operand, but 2 tensors are given
einsum(x2, 'i j, j k -> i k'); // error: the einsum pattern has 2 operands, but 1 tensor is given
einsum(x2, x3, 'i j, j k -> i k'); // error: einsum operand #1 has rank 3, but its pattern names 2 axes and has no '...'
einsum(x2, '... i j k -> i j k'); // error: has rank 2, fewer than the 3 axes its pattern names
einsum(x4, '... i j -> i j'); // error: the output of einsum has no '...'
einsum(x2, 'i j -> i i'); // error: axis 'i' appears more than once on the right of einsum
einsum(x2, 'i j -> i, j'); // error: ',' is not allowed on the right side of einsum
einsum(x2, '(i j) -> i'); // error: axis composition (parentheses) is not supported in einsum
einsum(x2, 'i 2 -> i'); // error: anonymous axes (numbers) are not supported in einsum
einsum(x2, 'i 1 -> i'); // error: unit axes (1 or ()) are not supported in einsum
einsum(x2, 'a-b -> a'); // error: unknown character '-'

// pack / unpack / parseShape
pack([x2, x3], 'h h *'); // error: axis 'h' appears twice
pack([x2, x3], '* h *'); // error: more than one '*'
pack([x2, x3], 'h w'); // error: no '*'
pack([x2, x3], 'h ... *'); // error: invalid axis name '...'
pack([x2, x3], 'h, *'); // error: invalid axis name 'h,'
pack([x2, x3], 'a b c *'); // error: needs tensors of rank at least 3, got one of rank 2
unpack(x2, [[2]], '* three four'); // error: needs a tensor of rank 3, got rank 2
unpack(x2, [[2]], '* _x'); // error: invalid axis name '_x'
parseShape(x3, '(a b) c'); // error: parseShape cannot take composite axes
parseShape(x3, 'a b c d'); // error: the pattern has 4 dimensions, but the input has rank 3
parseShape(x3, 'a ... ...'); // error: two ellipses
parseShape(x3, 'a (...)'); // error: parseShape cannot take an ellipsis in parentheses
parseShape(x3, 'a b -> c'); // error: '->' is not allowed in parseShape
