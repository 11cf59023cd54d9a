/**
 * @vit/core: PyTorch-style nn modules and vit-pytorch's Vision Transformers on TensorFlow.js.
 *
 * Importing it registers tfjs-core's gradients (through @vit/einops) and the `cpu` backend, which
 * is then the active backend unless another one is registered; `setBackend('wasm' | 'webgpu')`
 * switches. This entry imports nothing Node-only; file helpers are in `@vit/core/node`.
 */
import '@vit/einops';
import '@tensorflow/tfjs-backend-cpu';

export { Module, type AnyModule, type Child, type ForwardHook, type HookHandle, type LoadResult } from './nn/module.js';
export { AS_IS, TRANSPOSED, type Layout } from './nn/layout.js';
export { Linear } from './nn/linear.js';
export { LayerNorm } from './nn/layer-norm.js';
export { GELU } from './nn/gelu.js';
export { Dropout } from './nn/dropout.js';
export { Identity } from './nn/identity.js';
export { Softmax } from './nn/softmax.js';
export { Conv2d, type Conv2dOptions } from './nn/conv2d.js';
export { Sequential, ModuleList, type Layer } from './nn/containers.js';
export { kaimingUniformA5, fanInUniform, randn, uniform, manualSeed } from './nn/init.js';

export { linear2d } from './ops/linear.js';
export { matmul } from './ops/matmul.js';
export { gelu, normalCdfRational, type GeluApproximation } from './ops/gelu.js';
export { layerNorm } from './ops/layer-norm.js';

export { FeedForward, Attention, Transformer, ViT, type AttentionOptions, type ViTOptions } from './models/vit.js';
export { SimpleViT, posembSincos2d, type SimpleViTOptions } from './models/simple-vit.js';
export { AttentionBase } from './models/attention-base.js';
export { TransformerBase } from './models/transformer-base.js';
export { Recorder } from './models/recorder.js';
export { Extractor, type ExtractorOptions } from './models/extractor.js';

export { parseSafetensors, decodeSafetensors, encodeSafetensors, type ParsedSafetensors, type SafetensorsEntry, type DecodedSafetensors } from './weights/safetensors.js';
export type { SafetensorsDtype } from './weights/dtypes.js';
export { loadSafetensors, saveSafetensors } from './weights/model-weights.js';

export { valueAndGrads, type NamedTensors } from './train/grads.js';
export { AdamW, type AdamWOptions } from './train/adamw.js';
export { warmupCosine, warmupCosineLr, type WarmupCosineOptions } from './train/schedule.js';
export { clipGradNorm } from './train/clip.js';
export { GradientAccumulator } from './train/accumulate.js';
export { crossEntropy } from './train/loss.js';

export { setBackend, type BackendName, type SetBackendOptions } from './backend.js';
