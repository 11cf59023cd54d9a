/**
 * GELU(x) = x·Φ(x), Φ the standard normal CDF: exact (PyTorch's default, 0.5·x·(1 + erf(x/√2))) or
 * the tanh approximation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.js';
import { prefersPolynomialErf } from './strategy.js';

export type GeluApproximation = 'none' | 'tanh';

export function gelu(x: tf.Tensor, approximate: GeluApproximation = 'none'): tf.Tensor {
  if (approximate === 'tanh') {
    return tf.tidy(() => {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    });
  }
  if (prefersPolynomialErf()) return geluRational(x);
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

// Φ(x) - 1/2 = x·P(x²)/Q(x²) for |x| <= CLIP (Φ rounds to 0 or 1 in float32 beyond); a minimax fit
// of erf (degrees 6/5 in x², fit error 1e-8) rescaled to x/√2. Evaluated in float32: |Φ error| <= 2.7e-7,
// GELU within 2e-6 absolute and 1.2e-6·max(1, |GELU|). Only clamp / mul / add / div: vectorised on WASM.
const P = [0.3989422818114087, 0.032756129753471676, 0.004774758498057629, 0.00016848694660398186,
  8.091285186910646e-06, 4.7832969165006044e-08, -6.294233888719537e-11];
const Q = [1.0, 0.2487741386598327, 0.028430817461550788, 0.0019177450356469782, 8.01103289088763e-05,
  1.8661852995284179e-06];
const CLIP = 4 * Math.SQRT2;

/** Horner's rule in x² (coefficients in ascending order). */
function horner(x2: tf.Tensor, coefficients: number[]): tf.Tensor {
  let acc: tf.Tensor = tf.add(tf.mul(x2, coefficients[coefficients.length - 1]!), coefficients[coefficients.length - 2]!);
  for (let i = coefficients.length - 3; i >= 0; i--) acc = tf.add(tf.mul(acc, x2), coefficients[i]!);
  return acc;
}

function normalCdf(x: tf.Tensor): tf.Tensor {
  const xc = tf.clipByValue(x, -CLIP, CLIP);
  const x2 = tf.square(xc);
  return tf.add(tf.div(tf.mul(xc, horner(x2, P)), horner(x2, Q)), 0.5);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// dGELU/dx = Φ(x) + x·φ(x), φ(x) = exp(-x²/2)/√(2π).
const geluRational = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const cdf = normalCdf(x);
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, [xs, cdfs]: tf.Tensor[]) => {
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs!), -0.5)), INV_SQRT_2PI);
      return tf.mul(dy, tf.add(cdfs!, tf.mul(xs!, pdf)));
    },
  };
});

/** The rational approximation of Φ (exported for tests). */
export function normalCdfRational(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => normalCdf(x));
}
