/**
 * torch.chunk(x, chunks, dim=-1) for equal chunks: attention's `to_qkv(x).chunk(3, dim = -1)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { prefersPlain2dMatMul, wasmSplitLast } from '@vit/einops/kernels';

export function chunk(x: tf.Tensor, chunks: number): tf.Tensor[] {
  const width = x.shape[x.rank - 1]!;
  if (x.rank < 1 || !Number.isInteger(chunks) || chunks < 1 || width % chunks !== 0) {
    throw new Error(`chunk: the last axis of [${x.shape.join(', ')}] does not split into ${chunks} equal chunks`);
  }
  // WASM's SplitV copies the whole input once per output; this kernel copies each element once.
  if (!prefersPlain2dMatMul() || x.dtype !== 'float32' || x.size === 0) return tf.split(x, chunks, -1);
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  return tf.tidy(() => wasmSplitLast(tf.reshape(x, [rows, width]), chunks).map((part) => tf.reshape(part, [...lead, width / chunks])));
}
