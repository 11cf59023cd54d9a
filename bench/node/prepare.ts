/**
 * Generates what the peers need and the shared directory does not ship, into bench/.cache:
 *   vit_ti16.onnx                our ONNX graph of the shared ViT-Ti/16 weights (next to the PyTorch export)
 *   vit_{s16,b16}.safetensors    random weights from our own init (@vit/core ViT)
 *   vit_{s16,b16}.onnx           our ONNX graph of them
 *   vit_{s16,b16}_logits.safetensors   our logits (tfjs, wasm) for inputs.safetensors: the reference
 * Every graph is checked with onnxruntime-node against the reference logits (abs 1e-4) before it
 * is used. Files are reused while manifest.json says they match this writer version.
 *
 *   node --import tsx bench/node/prepare.ts [--models vit_ti16,vit_s16,vit_b16]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { encodeSafetensors, parseSafetensors, setBackend, ViT } from '@vit/core/node';
import * as ort from 'onnxruntime-node';
import { assetPath, CACHE_DIR } from '../lib/paths.js';
import { ONNX_WRITER_VERSION, writeViTOnnx, type HostTensor, type OnnxViTConfig } from '../peers/onnx-writer.js';
import { floats, MODELS, type ModelName, type ModelSpec } from '../workloads/models.js';
import { maxAbsDiff } from '../workloads/workload.js';

const TOLERANCE = 1e-4;
const MANIFEST = join(CACHE_DIR, 'manifest.json');

interface Manifest {
  writer: number;
  models: Record<string, { params: number; onnxBytes: number; maxAbsDiff: Record<string, number>; seconds: number }>;
}

const log = (line: string): void => console.log(`[prepare] ${line}`);

function hostState(bytes: Uint8Array): Record<string, HostTensor> {
  const { entries } = parseSafetensors(bytes);
  return Object.fromEntries(Object.entries(entries).map(([name, e]) =>
    [name, { shape: e.shape, data: new Float32Array(Uint8Array.prototype.slice.call(e.data).buffer) }]));
}

function onnxConfig(spec: ModelSpec): OnnxViTConfig {
  const c = spec.config;
  return { imageSize: c.imageSize as number, patchSize: c.patchSize as number, channels: c.channels ?? 3, dim: c.dim, depth: c.depth, heads: c.heads, dimHead: c.dimHead, numClasses: c.numClasses };
}

/** Max |ONNX graph (onnxruntime-node) − reference| per batch; throws above the tolerance. */
async function verifyGraph(spec: ModelSpec, onnxPath: string): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(onnxPath);
  const inputs = readFileSync(assetPath('peers/inputs.safetensors'));
  const logits = readFileSync(assetPath(spec.logits));
  const diffs: Record<string, number> = {};
  try {
    for (const batch of [1, 8]) {
      const input = floats(inputs, `input_b${batch}`);
      const out = await session.run({ img: new ort.Tensor('float32', input.data, input.shape) });
      const d = maxAbsDiff(out['logits']!.data as Float32Array, floats(logits, `logits_b${batch}`).data);
      diffs[`b${batch}`] = d;
      if (!(d <= TOLERANCE)) throw new Error(`${spec.label}: our ONNX graph disagrees with ${spec.reference} by ${d} (batch ${batch})`);
    }
  } finally {
    await session.release();
  }
  return diffs;
}

/** S/16, B/16: random weights from our init, then our logits on wasm as the reference. */
async function generateWeights(spec: ModelSpec): Promise<void> {
  await setBackend('wasm');
  const model = new ViT(spec.config).eval();
  try {
    const state = model.stateDict();
    const metadata = { config: JSON.stringify(spec.config), model: spec.name, note: 'random init (@vit/core ViT defaults), for benchmarks' };
    writeFileSync(assetPath(spec.weights), await encodeSafetensors(state, metadata));
    tf.dispose(Object.values(state));
    const inputs = readFileSync(assetPath('peers/inputs.safetensors'));
    const logits: Record<string, tf.Tensor> = {};
    for (const batch of [1, 8]) {
      const input = floats(inputs, `input_b${batch}`);
      const x = tf.tensor(input.data, input.shape);
      logits[`logits_b${batch}`] = model.forward(x);
      x.dispose();
    }
    writeFileSync(assetPath(spec.logits), await encodeSafetensors(logits, { producer: `@vit/core ViT, tfjs ${tf.version_core} wasm` }));
    tf.dispose(Object.values(logits));
  } finally {
    model.dispose();
  }
}

export async function prepare(models: ModelName[] = ['vit_ti16', 'vit_s16', 'vit_b16']): Promise<Manifest> {
  mkdirSync(CACHE_DIR, { recursive: true });
  let manifest: Manifest = existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest : { writer: ONNX_WRITER_VERSION, models: {} };
  if (manifest.writer !== ONNX_WRITER_VERSION) manifest = { writer: ONNX_WRITER_VERSION, models: {} };
  for (const name of models) {
    const spec = MODELS[name];
    const onnxPath = assetPath(spec.generatedOnnx ?? spec.onnx);
    const files = [spec.weights, spec.logits].map(assetPath).concat(onnxPath);
    if (manifest.models[name] !== undefined && files.every((f) => existsSync(f))) continue;
    const t0 = performance.now();
    if (!existsSync(assetPath(spec.weights)) || !existsSync(assetPath(spec.logits))) {
      if (spec.weights.startsWith('peers/')) throw new Error(`missing shared peer file ${assetPath(spec.weights)}`);
      log(`${spec.label}: random weights from our init, reference logits on tfjs-wasm`);
      await generateWeights(spec);
    }
    const state = hostState(readFileSync(assetPath(spec.weights)));
    const onnx = writeViTOnnx(state, onnxConfig(spec));
    writeFileSync(onnxPath, onnx);
    const diffs = await verifyGraph(spec, onnxPath);
    const params = Object.values(state).reduce((n, t) => n + t.data.length, 0);
    const seconds = (performance.now() - t0) / 1000;
    manifest.models[name] = { params, onnxBytes: onnx.byteLength, maxAbsDiff: diffs, seconds };
    log(`${spec.label}: ${(onnx.byteLength / 1e6).toFixed(0)} MB ONNX graph, agrees with ${spec.reference} ` +
      `(max |Δ| b1 ${diffs['b1']!.toExponential(1)}, b8 ${diffs['b8']!.toExponential(1)}), ${seconds.toFixed(0)} s`);
    writeFileSync(MANIFEST, JSON.stringify(manifest, null, 1));
  }
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--models');
  const models = (i > 0 ? process.argv[i + 1]!.split(',') : undefined) as ModelName[] | undefined;
  await prepare(models);
}
