/**
 * Per-backend strategy, decided here and nowhere else: models call the same ops everywhere.
 *
 * On WASM, XNNPACK's fast path (~10x the scalar loop) takes only un-batched, un-transposed 2-D
 * matMuls, and transcendental unary ops (erf, exp) are scalar loops, while add / mul / clamp are
 * vectorised. So on WASM: 2-D matMuls with explicit transposes (also in the gradients), per-slice
 * batched products, and erf from a rational approximation of mul / add / clamp.
 */
import * as tf from '@tensorflow/tfjs-core';

export { prefersPlain2dMatMul } from '@vit/einops/kernels';

export function prefersPolynomialErf(): boolean {
  return tf.getBackend() === 'wasm';
}
