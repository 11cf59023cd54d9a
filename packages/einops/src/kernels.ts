/**
 * `@vit/einops/kernels`: the lowering primitives einops executes with, shared with @vit/core so that
 * one implementation (and one per-backend strategy) serves both.
 */
export { batchedMatMul, prefersPlain2dMatMul } from './lowering/batched-matmul.js';
export { wasmConcatLast, wasmSplitLast, wasmStack, wasmUnstack } from './lowering/wasm-kernels.js';
export { customGrad } from './lowering/custom-grad.js';
