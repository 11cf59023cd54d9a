/**
 * @vit/einops: einops' pattern language on TensorFlow.js.
 * Parsed once, planned once per shape, executed as a few rank-safe reshape / transpose / matMul /
 * reduce kernels on any backend (cpu, wasm, webgpu).
 */
import './tfjs-setup/browser.js';
import './parsing/chevrotain-package.js';

export * from './api.js';
