/**
 * AdamW with two parameter groups, as timm / DeiT train ViTs: weight decay on weight matrices,
 * none on biases, norms, tokens and position embeddings.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, type NamedTensors } from '@vit/core';

export interface OptimizerState {
  tensors: Record<string, tf.Tensor>;
  steps: Record<string, number>;
}

function isDecayed(name: string, v: tf.Variable): boolean {
  return v.rank > 1 && !/(cls_token|pos_embedding|distillation_token)$/.test(name);
}

export class GroupedAdamW {
  readonly #decay: AdamW;
  readonly #noDecay: AdamW;

  constructor(params: Record<string, tf.Variable>, { lr, weightDecay }: { lr: number; weightDecay: number }) {
    const decay: Record<string, tf.Variable> = {};
    const noDecay: Record<string, tf.Variable> = {};
    for (const [name, v] of Object.entries(params)) (isDecayed(name, v) ? decay : noDecay)[name] = v;
    this.#decay = new AdamW(decay, { lr, weightDecay });
    this.#noDecay = new AdamW(noDecay, { lr, weightDecay: 0 });
  }

  get lr(): number {
    return this.#decay.lr;
  }

  set lr(value: number) {
    this.#decay.lr = value;
    this.#noDecay.lr = value;
  }

  step(grads: NamedTensors): void {
    const split = (optimizer: AdamW): NamedTensors =>
      Object.fromEntries(Object.entries(grads).filter(([name]) => Object.hasOwn(optimizer.params, name)));
    this.#decay.step(split(this.#decay));
    this.#noDecay.step(split(this.#noDecay));
  }

  /** Copies of the moment estimates and step counts (the caller disposes the tensors). */
  stateDict(): OptimizerState {
    const a = this.#decay.stateDict();
    const b = this.#noDecay.stateDict();
    return { tensors: { ...a.tensors, ...b.tensors }, steps: { ...a.steps, ...b.steps } };
  }

  loadStateDict(state: OptimizerState): void {
    this.#decay.loadStateDict(state);
    this.#noDecay.loadStateDict(state);
  }

  dispose(): void {
    this.#decay.dispose();
    this.#noDecay.dispose();
  }
}
