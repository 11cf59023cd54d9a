/**
 * PyTorch's default initialisations (torch.nn.init), with tfjs' random generators.
 */
import * as tf from '@tensorflow/tfjs-core';

let seedState: number | undefined;

/**
 * torch.manual_seed for initialisation: after `manualSeed(s)`, models built in the same order get
 * the same initial weights. Without it, tfjs' unseeded generators are used.
 */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new Error(`manualSeed: seed must be an integer, got ${seed}`);
  seedState = seed >>> 0;
}

/** The next seed of the sequence (a 32-bit LCG step), or undefined when no seed was set. */
function nextSeed(): number | undefined {
  if (seedState === undefined) return undefined;
  seedState = (Math.imul(seedState, 1664525) + 1013904223) >>> 0;
  return seedState;
}

/** U(-bound, bound). */
export function uniform(shape: number[], bound: number): tf.Tensor {
  return tf.randomUniform(shape, -bound, bound, 'float32', nextSeed());
}

/** torch.randn: N(0, 1). */
export function randn(shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', nextSeed());
}

/**
 * nn.Linear / nn.Conv2d weight: kaiming_uniform_(a=√5), i.e. U(±gain·√(3/fan_in)) with
 * gain = √(2/(1+a²)), which is U(±1/√fan_in). Zero-element tensors are left at zero, as PyTorch does.
 */
export function kaimingUniformA5(shape: number[], fanIn: number): tf.Tensor {
  if (fanIn === 0 || shape.includes(0)) return tf.zeros(shape);
  const gain = Math.sqrt(2 / (1 + 5));
  return uniform(shape, gain * Math.sqrt(3 / fanIn));
}

/** nn.Linear / nn.Conv2d bias: U(±1/√fan_in) (0 when fan_in is 0). */
export function fanInUniform(shape: number[], fanIn: number): tf.Tensor {
  return fanIn > 0 ? uniform(shape, 1 / Math.sqrt(fanIn)) : tf.zeros(shape);
}

/**
 * nn.init.trunc_normal_(std) with PyTorch's default cut-off at ±2 (absolute): for the small stds
 * models use (≤ 0.2) the cut is ≥ 10σ away, so this is N(mean, std²) redrawn beyond the bounds.
 */
export function truncNormal(shape: number[], std: number, mean = 0, bound = 2): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.randomNormal(shape, mean, std, 'float32', nextSeed()), -bound, bound));
}

/** nn.init.kaiming_normal_ (fan_in, ReLU gain): N(0, 2 / fan_in). */
export function kaimingNormal(shape: number[], fanIn: number): tf.Tensor {
  return fanIn > 0 ? tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', nextSeed()) : tf.zeros(shape);
}

/** Re-initialises a parameter in place (PyTorch's `nn.init.*_(module.weight)`), leaving no tensor behind. */
export function reinit(variable: tf.Variable, init: () => tf.Tensor): void {
  const value = tf.tidy(init);
  variable.assign(value);
  value.dispose();
}
