import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@vit/core';

/** The model's state-dict keys with their PyTorch shapes (the copies are disposed). */
export function stateShapes(model: Module): Record<string, number[]> {
  const dict = model.stateDict();
  const shapes = Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, [...t.shape]]));
  tf.dispose(Object.values(dict));
  return shapes;
}
