/**
 * Memory of one tfjs call: engine-wide `tf.memory()` bytes and tensor counts, the peak from
 * `tf.profile` (the engine's byte count after every kernel), and the call's output values (for the
 * correctness check). Run it after the timed samples: the profiler makes the call slower.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MemoryStats } from './results.js';

export async function profileMemory(f: () => tf.Tensor): Promise<{ memory: MemoryStats; values: Float32Array }> {
  const before = tf.memory();
  let newTensors = 0;
  let values: Float32Array = new Float32Array(0);
  const info = await tf.profile(async () => {
    const y = f();
    values = (await y.data()) as Float32Array;
    newTensors = tf.memory().numTensors - before.numTensors;
    y.dispose();
  });
  const after = tf.memory();
  const peakBytes = Math.max(info.peakBytes, before.numBytes);
  const memory = {
    bytesBefore: before.numBytes,
    peakBytes,
    peakExtraBytes: peakBytes - before.numBytes,
    tensorsBefore: before.numTensors,
    newTensors,
    leakedTensors: after.numTensors - before.numTensors,
    kernels: info.kernels.length,
  };
  return { memory, values };
}
