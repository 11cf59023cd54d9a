/**
 * Row gathers with gradients that run on every backend.
 *
 * tfjs' Gather gradient is `UnsortedSegmentSum`, which tfjs-backend-wasm does not have (a missing
 * kernel throws), so a model that looks up a table (Swin's relative position bias) could not train
 * on WASM. Here the gradient is the segment sum where the backend has the kernel, and otherwise the
 * same sum as a matMul with a one-hot matrix (exact: every output is one product by 1 plus zeros).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.js';

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Σ of the rows of `values` [m, ...] into `segments` rows by `ids` [m] (tf.unsortedSegmentSum). */
export function segmentSum(values: tf.Tensor, ids: tf.Tensor1D, segments: number): tf.Tensor {
  if (hasKernel('UnsortedSegmentSum')) return tf.unsortedSegmentSum(values, ids, segments);
  return tf.tidy(() => {
    const [m, ...rest] = values.shape;
    const width = rest.reduce((a, b) => a * b, 1);
    // [segments, m] · [m, width]: un-transposed 2-D, WASM's fast matMul path.
    // (tfjs-wasm's OneHot writes int32 bits whatever the dtype asked for: cast instead.)
    const selector = tf.transpose(tf.cast(tf.oneHot(ids, segments), 'float32')) as tf.Tensor2D;
    return tf.reshape(tf.matMul(selector, tf.reshape(values, [m!, width]) as tf.Tensor2D), [segments, ...rest]);
  });
}

/**
 * `table[ids]` (PyTorch indexing along the first axis): table [t, ...], ids int32 [m] → [m, ...].
 * The gradient for `table` is the segment sum of the incoming gradient by `ids` (see above).
 */
export function gatherRows(table: tf.Tensor, ids: tf.Tensor1D): tf.Tensor {
  if (ids.dtype !== 'int32' || ids.rank !== 1) throw new Error(`gatherRows: ids must be int32 [m], got ${ids.dtype} [${ids.shape.join(', ')}]`);
  const rows = table.shape[0]!;
  const op = customGrad((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return { value: tf.gather(t, ids, 0), gradFunc: (dy: tf.Tensor) => segmentSum(dy, ids, rows) };
  });
  return op(table);
}

/** An int32 index over tokens; `readsZero`: some entry equals the token count (a zero token). */
export interface TokenIndex {
  readonly ids: tf.Tensor1D;
  readonly readsZero: boolean;
}

/** A TokenIndex from plain numbers (`n` = the input token count); the caller disposes `ids`. */
export function tokenIndex(ids: ArrayLike<number>, n: number): TokenIndex {
  let readsZero = false;
  for (let i = 0; i < ids.length; i++) {
    if (!(Number.isInteger(ids[i]) && ids[i]! >= 0 && ids[i]! <= n)) throw new Error(`tokenIndex: entry ${i} is ${ids[i]}, outside [0, ${n}]`);
    if (ids[i] === n) readsZero = true;
  }
  return { ids: tf.tensor1d(Int32Array.from(ids), 'int32'), readsZero };
}

/**
 * Reorders tokens: x [b, n, c] → [b, m, c] with `out[:, i] = x[:, index[i]]`, where `index[i] = n`
 * gives a zero token (padding). `inverse` [n] says where each input token went (`index[inverse[j]]
 * = j`, each input token used exactly once), so the gradient is the same reordering backwards:
 * dx = dy[:, inverse]. Exact, one Gather each way, no segment sum. Swapping `index` and `inverse`
 * undoes the reordering (and drops the padding).
 */
export function reorderTokens(x: tf.Tensor, index: TokenIndex, inverse: TokenIndex): tf.Tensor {
  if (x.rank !== 3 || inverse.ids.shape[0] !== x.shape[1]) {
    throw new Error(`reorderTokens: x [b, ${inverse.ids.shape[0]}, c] expected, got [${x.shape.join(', ')}]`);
  }
  const op = customGrad((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return { value: gatherWithZero(t, index), gradFunc: (dy: tf.Tensor) => gatherWithZero(dy, inverse) };
  });
  return op(x);
}

/** x [b, n, c][:, index], where index n reads a zero token. */
function gatherWithZero(x: tf.Tensor, { ids, readsZero }: TokenIndex): tf.Tensor {
  if (tf.getBackend() === 'wasm' && x.dtype === 'float32') return wasmGatherTokens(x, ids);
  const [b, , c] = x.shape as [number, number, number];
  return tf.tidy(() => tf.gather(readsZero ? tf.concat([x, tf.zeros([b, 1, c])], 1) : x, ids, 1));
}

/**
 * tfjs-backend-wasm's GatherV2 copies element by element (~10 ms for the 300 k values of a Swin-T
 * stage-1 reordering, a third of the forward pass); this JS kernel copies whole token rows between
 * heap views. Only called inside `reorderTokens`' customGrad (it has no gradient of its own).
 */
const GATHER_TOKENS = 'VitCoreGatherTokens';

interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let gatherTokensRegistered = false;

function wasmGatherTokens(x: tf.Tensor, ids: tf.Tensor1D): tf.Tensor {
  if (!gatherTokensRegistered) {
    if (tf.getKernel(GATHER_TOKENS, 'wasm') === undefined) {
      tf.registerKernel({
        kernelName: GATHER_TOKENS, backendName: 'wasm',
        kernelFunc: ({ inputs, backend }) => {
          const wasm = backend as unknown as WasmHeap;
          const xi = inputs['x'] as tf.TensorInfo;
          const ii = inputs['ids'] as tf.TensorInfo;
          const [b, n, c] = xi.shape as [number, number, number];
          const m = ii.shape[0]!;
          const out = wasm.makeOutput([b, m, c], xi.dtype); // allocate before taking heap views
          const src = wasm.typedArrayFromHeap(xi);
          const index = wasm.typedArrayFromHeap(ii);
          const dst = wasm.typedArrayFromHeap(out);
          for (let bb = 0; bb < b; bb++) {
            for (let i = 0; i < m; i++) {
              const j = index[i]!;
              const at = (bb * m + i) * c;
              if (j >= n) dst.fill(0, at, at + c);
              else dst.set(src.subarray((bb * n + j) * c, (bb * n + j + 1) * c), at);
            }
          }
          return out;
        },
      });
    }
    gatherTokensRegistered = true;
  }
  return tf.engine().runKernel(GATHER_TOKENS, { x, ids }, {}) as tf.Tensor;
}
