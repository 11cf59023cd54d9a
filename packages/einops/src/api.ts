export { EinopsError } from './errors.js';
export { rearrange } from './ops/rearrange.js';
export { reduce } from './ops/reduce.js';
export { repeat } from './ops/repeat.js';
export { einsum } from './ops/einsum.js';
export { pack, unpack } from './ops/pack.js';
export { parseShape } from './ops/parse-shape.js';
export type { AxesLengths } from './ops/inputs.js';
export type { Reduction, ReductionName, ReduceFn } from './ops/transform.js';
export { Rearrange } from './layers/rearrange-layer.js';
export { Reduce } from './layers/reduce-layer.js';
export { EinMix, type EinMixOptions } from './layers/einmix.js';
export type { EinopsLayer } from './layers/layer.js';
export type { RankOf, TensorOfRank } from './typed/rank.js';
export type { EinopsTypeError } from './typed/parse.js';
export type {
  EinsumResult, PackResult, RearrangeResult, ReduceResult, RepeatResult,
  EinsumPattern, PackPattern, ParseShapePattern, RearrangePattern, ReducePattern, RepeatPattern, UnpackPattern,
} from './typed/checks.js';
export { missingGradients, REQUIRED_GRADIENTS } from './tfjs-setup/self-check.js';
