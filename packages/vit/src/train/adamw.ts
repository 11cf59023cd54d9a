/**
 * torch.optim.AdamW (decoupled weight decay), PyTorch's defaults and update rule:
 *   θ ← θ·(1 − lr·λ)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²   (v̂max ← max(v̂max, v) with amsgrad)
 *   θ ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from './grads.js';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

interface Slot {
  readonly param: tf.Variable;
  readonly expAvg: tf.Variable;
  readonly expAvgSq: tf.Variable;
  readonly maxExpAvgSq: tf.Variable | undefined;
  step: number;
}

export class AdamW {
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly #slots = new Map<string, Slot>();
  #disposed = false;

  /** `params`: the variables to update, by name (e.g. `model.namedParameters()`). */
  constructor(readonly params: Record<string, tf.Variable>, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false }: AdamWOptions = {}) {
    if (!(lr >= 0)) throw new Error(`Invalid learning rate: ${lr}`);
    if (!(eps >= 0)) throw new Error(`Invalid epsilon value: ${eps}`);
    betas.forEach((b, i) => { if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${b}`); });
    if (!(weightDecay >= 0)) throw new Error(`Invalid weight_decay value: ${weightDecay}`);
    this.lr = lr;
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.amsgrad = amsgrad;
  }

  /**
   * One update from `grads` (keyed like `params`, in the variables' layouts). Parameters without a
   * gradient are skipped, as PyTorch skips `p.grad is None`. The gradients stay the caller's.
   */
  step(grads: NamedTensors): void {
    if (this.#disposed) throw new Error('AdamW has been disposed');
    for (const name of Object.keys(grads)) {
      if (!Object.hasOwn(this.params, name)) throw new Error(`AdamW.step: gradient for unknown parameter '${name}'`);
    }
    const [beta1, beta2] = this.betas;
    // The step's constants as tensors once, not once per parameter and use (each is an upload on WebGPU).
    const c = {
      beta1: tf.scalar(beta1), oneMinusBeta1: tf.scalar(1 - beta1), beta2: tf.scalar(beta2), oneMinusBeta2: tf.scalar(1 - beta2),
      eps: tf.scalar(this.eps), decay: tf.scalar(1 - this.lr * this.weightDecay),
    };
    try {
      this.#update(grads, c);
    } finally {
      tf.dispose(Object.values(c));
    }
  }

  #update(grads: NamedTensors, c: Record<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'eps' | 'decay', tf.Scalar>): void {
    const [beta1, beta2] = this.betas; // as numbers, for the bias corrections
    for (const [name, param] of Object.entries(this.params)) {
      const grad = grads[name];
      if (grad === undefined) continue;
      if (!sameShape(grad.shape, param.shape)) throw new Error(`AdamW.step: gradient for '${name}' has shape [${grad.shape}], parameter [${param.shape}]`);
      const slot = this.#slot(name, param);
      slot.step += 1;
      const biasCorrection1 = 1 - beta1 ** slot.step;
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** slot.step);
      const stepSize = this.lr / biasCorrection1;
      tf.tidy(() => {
        const decayed = this.weightDecay === 0 ? param : tf.mul(param, c.decay);
        const m = tf.add(tf.mul(slot.expAvg, c.beta1), tf.mul(grad, c.oneMinusBeta1));
        const v = tf.add(tf.mul(slot.expAvgSq, c.beta2), tf.mul(tf.square(grad), c.oneMinusBeta2));
        slot.expAvg.assign(m);
        slot.expAvgSq.assign(v);
        let second: tf.Tensor = v;
        if (slot.maxExpAvgSq !== undefined) {
          second = tf.maximum(slot.maxExpAvgSq, v);
          slot.maxExpAvgSq.assign(second);
        }
        const denom = tf.add(tf.div(tf.sqrt(second), biasCorrection2Sqrt), c.eps);
        param.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
      });
    }
  }

  #slot(name: string, param: tf.Variable): Slot {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      const zeros = (): tf.Variable => tf.tidy(() => tf.variable(tf.zerosLike(param), false));
      slot = { param, expAvg: zeros(), expAvgSq: zeros(), maxExpAvgSq: this.amsgrad ? zeros() : undefined, step: 0 };
      this.#slots.set(name, slot);
    }
    return slot;
  }

  /** Number of steps taken for a parameter (PyTorch's per-parameter `state['step']`). */
  stepCount(name: string): number {
    return this.#slots.get(name)?.step ?? 0;
  }

  /**
   * The optimizer state as copies the caller owns, for checkpoints: `<param>.exp_avg`,
   * `<param>.exp_avg_sq` (and `<param>.max_exp_avg_sq` with amsgrad), and each parameter's step count.
   */
  stateDict(): { tensors: Record<string, tf.Tensor>; steps: Record<string, number> } {
    const tensors: Record<string, tf.Tensor> = {};
    const steps: Record<string, number> = {};
    for (const [name, slot] of this.#slots) {
      tensors[`${name}.exp_avg`] = tf.clone(slot.expAvg);
      tensors[`${name}.exp_avg_sq`] = tf.clone(slot.expAvgSq);
      if (slot.maxExpAvgSq !== undefined) tensors[`${name}.max_exp_avg_sq`] = tf.clone(slot.maxExpAvgSq);
      steps[name] = slot.step;
    }
    return { tensors, steps };
  }

  /**
   * Restores a state saved by `stateDict()` (copying; the caller keeps its tensors). Entries for
   * parameters this optimizer does not hold are ignored, so one saved state can feed several
   * optimizers (parameter groups). Everything is checked before anything changes.
   */
  loadStateDict({ tensors, steps }: { tensors: Record<string, tf.Tensor>; steps: Record<string, number> }): void {
    const updates: Array<[string, number, tf.Tensor[]]> = [];
    for (const [name, step] of Object.entries(steps)) {
      const param = this.params[name];
      if (param === undefined) continue;
      if (!Number.isInteger(step) || step < 0) throw new Error(`AdamW.loadStateDict: invalid step ${step} for '${name}'`);
      const keys = ['exp_avg', 'exp_avg_sq', ...(this.amsgrad ? ['max_exp_avg_sq'] : [])].map((k) => `${name}.${k}`);
      const values = keys.map((key) => {
        const t = tensors[key];
        if (t === undefined) throw new Error(`AdamW.loadStateDict: missing '${key}'`);
        if (!sameShape(t.shape, param.shape)) throw new Error(`AdamW.loadStateDict: '${key}' has shape [${t.shape}], parameter [${param.shape}]`);
        return t;
      });
      updates.push([name, step, values]);
    }
    for (const [name, step, [m, v, vmax]] of updates) {
      const slot = this.#slot(name, this.params[name]!);
      slot.expAvg.assign(m!);
      slot.expAvgSq.assign(v!);
      if (vmax !== undefined) slot.maxExpAvgSq!.assign(vmax);
      slot.step = step;
    }
  }

  /** Frees the optimizer's state (not the parameters). */
  dispose(): void {
    this.#disposed = true;
    for (const slot of this.#slots.values()) {
      slot.expAvg.dispose();
      slot.expAvgSq.dispose();
      slot.maxExpAvgSq?.dispose();
    }
    this.#slots.clear();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
