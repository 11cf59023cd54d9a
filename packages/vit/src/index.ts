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

// Convolutional building blocks and the convolutional / hierarchical ViT variants (conv-variants block).
export { BatchNorm2d, type BatchNormOptions } from './nn/batch-norm.js';
export { Unfold, type UnfoldOptions } from './nn/unfold.js';
export { ReLU, Hardswish, SiLU, Sigmoid } from './nn/activations.js';
export { MaxPool2d, AdaptiveAvgPool2d, Flatten } from './nn/pooling.js';
export { conv2dGrouped } from './ops/conv2d.js';
export { planWindows, windows, unwindows, type WindowGeometry, type WindowPlan } from './ops/windows.js';
export { truncNormal, kaimingNormal } from './nn/init.js';
export { CCT, CCTAttention, TransformerEncoderLayer, Tokenizer, TransformerClassifier, sinusoidalEmbedding, type CCTOptions, type TokenizerOptions,
  type TransformerClassifierOptions, type PositionalEmbedding } from './models/cct.js';
export { SequentialHead } from './nn/head.js';
export { PiT, PiTTransformer, Pool, DepthWiseConv2d, convOutputSize, type PiTOptions } from './models/pit.js';
export { T2TViT, RearrangeImage, type T2TViTOptions } from './models/t2t.js';
export { MobileViT, MobileViTBlock, MobileViTTransformer, MobileViTFeedForward, MV2Block, conv1x1Bn, convNxnBn, type MobileViTOptions } from './models/mobilevit.js';
export { LeViT, LeViTAttention, LeViTTransformer, LeViTFeedForward, LeViTEmbedding, levitPosIndices, type LeViTOptions, type LeViTAttentionOptions } from './models/levit.js';
export { CvT, CvTAttention, CvTTransformer, CvTFeedForward, CvTDepthWiseConv2d, ChanLayerNorm, type CvTOptions } from './models/cvt.js';
export { MaxViT, MaxViTAttention, MBConv, MBConvResidual, SqueezeExcitation, Dropsample, Residual, maxvitRelPosIndices, type MaxViTOptions } from './models/maxvit.js';
export { CCT_ENTRIES } from './zoo/families/cct.js';
export { PIT_ENTRIES } from './zoo/families/pit.js';
export { T2T_ENTRIES } from './zoo/families/t2t.js';
export { MOBILEVIT_ENTRIES } from './zoo/families/mobilevit.js';
export { LEVIT_ENTRIES } from './zoo/families/levit.js';
export { CVT_ENTRIES } from './zoo/families/cvt.js';
export { MAXVIT_ENTRIES } from './zoo/families/maxvit.js';

// DeepViT, CaiT, CrossViT (vit-pytorch) and Swin (timm), with their registry entries.
export { DeepViT, DeepViTTransformer, ReAttention, MlpHead, type DeepViTOptions } from './models/deepvit.js';
export { CaiT, CaiTTransformer, TalkingHeadsAttention, LayerScale, layerScaleInit, type CaiTOptions } from './models/cait.js';
export { CrossViT, CrossAttention, CrossViTTransformer, CrossTransformer, MultiScaleEncoder, ProjectInOut, ImageEmbedder, type CrossViTOptions } from './models/crossvit.js';
export { SwinTransformer, SwinTransformerStage, SwinTransformerBlock, WindowAttention, PatchMerging, SwinPatchEmbed, SwinMlp, SwinClassifierHead, relativePositionIndex, windowOrder, shiftedWindowMask, type SwinTransformerOptions, type SwinBlockOptions } from './models/swin.js';
export { gatherRows, segmentSum, reorderTokens, tokenIndex, type TokenIndex } from './ops/gather-grad.js';
export { DEEPVIT_ENTRIES } from './zoo/families/deepvit.js';
export { CAIT_ENTRIES } from './zoo/families/cait.js';
export { CROSSVIT_ENTRIES } from './zoo/families/crossvit.js';
export { SWIN_ENTRIES } from './zoo/families/swin.js';

// timm ViT / DeiT, the model registry and checkpoint interop (timm safetensors, Google .npz) (zoo block).
export { VisionTransformer, VisionTransformerDistilled, inferVisionTransformerOptions, PatchEmbed, PatchConv, Block as TimmBlock, Attention as TimmAttention, Mlp as TimmMlp,
  LayerScale as TimmLayerScale, TIMM_LN_EPS, type VisionTransformerOptions, type VisionTransformerConfig, type GlobalPool } from './models/timm-vit.js';
export type { ModelEntry, RegistryModel } from './zoo/entry.js';
export { registerModel, registerEntries, listModels, createModel, isModel, modelEntry, pretrainedInfo, type ModelFactory, type RegisterOptions,
  type CreateModelOptions, type ListModelsOptions } from './zoo/registry.js';
export { VIT_ENTRIES, DEIT_ENTRIES } from './zoo/timm-vit-entries.js';
export { loadPretrained, readCheckpoint, detectCheckpointFormat, type PretrainedLoadResult } from './zoo/pretrained.js';
export { parseNpy, decodeNpy, parseNpz, decodeNpz, decodeNpzHost, encodeNpy, encodeNpz, type NpyArray, type HostArray } from './weights/npz.js';
export { googleNpzToTimm, timmToVitPytorch, vitPytorchToTimm, type HostState, type CheckpointFormat, type CheckpointFilter, type FilteredCheckpoint,
  type NpzConversion, type StateConversion } from './weights/convert.js';
export { resampleAbsPosEmbed, resizeGrid, resizeTaps, type Interpolation, type ResamplePosEmbedOptions } from './weights/resample.js';
