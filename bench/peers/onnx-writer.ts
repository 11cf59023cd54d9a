/**
 * Writes a vit-pytorch ViT (pool 'cls') as an ONNX graph, opset 17, from its PyTorch state dict:
 * the same operators the PyTorch exporter emits for it (Reshape / Transpose patches,
 * LayerNormalization, MatMul + Add, Softmax attention, Erf GELU, Gemm head), without the exporter's
 * shape arithmetic. Input `img` [batch, channels, H, W], output `logits` [batch, classes], dynamic
 * batch. Linear weights are stored transposed ([in, out]) for MatMul, as the exporter's constant
 * folding does. Browser-safe (protobufjs only).
 */
import { AttributeType, DataType, ModelProto } from './onnx-schema.js';

export interface OnnxViTConfig {
  imageSize: number;
  patchSize: number;
  channels: number;
  dim: number;
  depth: number;
  heads: number;
  dimHead: number;
  numClasses: number;
}

/** A float32 tensor in PyTorch layout. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

type Attribute = { name: string; type: number; i?: number; f?: number; ints?: number[] };

const LN_EPS = 1e-5;

/** Bump when the graph changes: bench/node/prepare.ts regenerates cached graphs of another version. */
export const ONNX_WRITER_VERSION = 1;

class GraphBuilder {
  readonly nodes: object[] = [];
  readonly initializers: object[] = [];
  readonly #constants = new Map<string, string>();
  #count = 0;

  initializer(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, data_type: data instanceof Float32Array ? DataType['FLOAT'] : DataType['INT64'], raw_data: bytes.slice() });
    return name;
  }

  /** A float scalar (shared between nodes). */
  scalar(value: number): string {
    const key = `f:${value}`;
    let name = this.#constants.get(key);
    if (name === undefined) {
      name = this.initializer(`const_f_${this.#constants.size}`, [], new Float32Array([value]));
      this.#constants.set(key, name);
    }
    return name;
  }

  /** An int64 vector, or an int64 scalar with `scalar`. */
  ints(values: number[], scalar = false): string {
    const key = `i:${scalar}:${values.join(',')}`;
    let name = this.#constants.get(key);
    if (name === undefined) {
      name = this.initializer(`const_i_${this.#constants.size}`, scalar ? [] : [values.length], BigInt64Array.from(values.map(BigInt)));
      this.#constants.set(key, name);
    }
    return name;
  }

  node(opType: string, inputs: string[], attributes: Attribute[] = [], outputs = 1): string[] {
    const name = `${opType}_${this.#count++}`;
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_out${i}`);
    this.nodes.push({ op_type: opType, name, input: inputs, output: outs, attribute: attributes });
    return outs;
  }

  op(opType: string, inputs: string[], attributes: Attribute[] = []): string {
    return this.node(opType, inputs, attributes)[0]!;
  }
}

const int = (name: string, i: number): Attribute => ({ name, type: AttributeType['INT']!, i });
const float = (name: string, f: number): Attribute => ({ name, type: AttributeType['FLOAT']!, f });
const ints = (name: string, values: number[]): Attribute => ({ name, type: AttributeType['INTS']!, ints: values });

/** [out, in] → [in, out]. */
function transposed({ shape, data }: HostTensor): HostTensor {
  const [rows, cols] = shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return { shape: [cols, rows], data: out };
}

export function writeViTOnnx(state: Record<string, HostTensor>, config: OnnxViTConfig): Uint8Array {
  const { imageSize, patchSize, channels, dim, depth, heads, dimHead, numClasses } = config;
  const grid = imageSize / patchSize;
  const innerDim = heads * dimHead;
  const g = new GraphBuilder();
  const used = new Set<string>();
  const param = (key: string): HostTensor => {
    const t = state[key];
    if (t === undefined) throw new Error(`writeViTOnnx: state dict has no '${key}'`);
    used.add(key);
    return t;
  };
  const weight = (key: string): string => g.initializer(key, param(key).shape, param(key).data);
  const layerNorm = (x: string, prefix: string): string =>
    g.op('LayerNormalization', [x, weight(`${prefix}.weight`), weight(`${prefix}.bias`)], [int('axis', -1), float('epsilon', LN_EPS)]);
  const linear = (x: string, prefix: string, bias = true): string => {
    const w = transposed(param(`${prefix}.weight`));
    const y = g.op('MatMul', [x, g.initializer(`${prefix}.weight_t`, w.shape, w.data)]);
    return bias ? g.op('Add', [weight(`${prefix}.bias`), y]) : y;
  };

  // Patch embedding: 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', LayerNorm, Linear, LayerNorm.
  let x = g.op('Reshape', ['img', g.ints([-1, channels, grid, patchSize, grid, patchSize])]);
  x = g.op('Transpose', [x], [ints('perm', [0, 2, 4, 3, 5, 1])]);
  x = g.op('Reshape', [x, g.ints([-1, grid * grid, patchSize * patchSize * channels])]);
  x = layerNorm(x, 'to_patch_embedding.1');
  x = linear(x, 'to_patch_embedding.2');
  x = layerNorm(x, 'to_patch_embedding.3');

  // Class token in front, then the position embedding.
  const cls = param('cls_token');
  const clsInit = g.initializer('cls_token', [1, 1, dim], cls.data);
  const batch = g.op('Slice', [g.op('Shape', [x]), g.ints([0]), g.ints([1])]);
  const clsShape = g.op('Concat', [batch, g.ints([1, dim])], [int('axis', 0)]);
  x = g.op('Concat', [g.op('Expand', [clsInit, clsShape]), x], [int('axis', 1)]);
  x = g.op('Add', [x, weight('pos_embedding')]);

  for (let i = 0; i < depth; i++) {
    const at = `transformer.layers.${i}.0`;
    const ff = `transformer.layers.${i}.1`;
    // Attention: qkv chunks → 'b n (h d) -> b h n d', softmax(q kᵀ · d^-½) v, 'b h n d -> b n (h d)'.
    const qkv = linear(layerNorm(x, `${at}.norm`), `${at}.to_qkv`, false);
    const [q, k, v] = g.node('Split', [qkv, g.ints([innerDim, innerDim, innerDim])], [int('axis', 2)], 3) as [string, string, string];
    const heads4 = g.ints([0, 0, heads, dimHead]);
    const qh = g.op('Transpose', [g.op('Reshape', [q, heads4])], [ints('perm', [0, 2, 1, 3])]);
    const kt = g.op('Transpose', [g.op('Reshape', [k, heads4])], [ints('perm', [0, 2, 3, 1])]);
    const vh = g.op('Transpose', [g.op('Reshape', [v, heads4])], [ints('perm', [0, 2, 1, 3])]);
    const scores = g.op('Mul', [g.op('MatMul', [qh, kt]), g.scalar(dimHead ** -0.5)]);
    const attn = g.op('Softmax', [scores], [int('axis', -1)]);
    let o = g.op('Transpose', [g.op('MatMul', [attn, vh])], [ints('perm', [0, 2, 1, 3])]);
    o = g.op('Reshape', [o, g.ints([0, 0, innerDim])]);
    x = g.op('Add', [linear(o, `${at}.to_out.0`), x]);
    // Feed-forward with exact GELU: x · (erf(x / √2) + 1) · ½.
    const h = linear(layerNorm(x, `${ff}.net.0`), `${ff}.net.1`);
    const erf = g.op('Erf', [g.op('Div', [h, g.scalar(Math.fround(Math.SQRT2))])]);
    const gelu = g.op('Mul', [g.op('Mul', [h, g.op('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
    x = g.op('Add', [linear(gelu, `${ff}.net.4`), x]);
  }

  x = layerNorm(x, 'transformer.norm');
  const pooled = g.op('Gather', [x, g.ints([0], true)], [int('axis', 1)]);
  g.nodes.push({
    op_type: 'Gemm', name: 'mlp_head', input: [pooled, weight('mlp_head.weight'), weight('mlp_head.bias')], output: ['logits'],
    attribute: [float('alpha', 1), float('beta', 1), int('transB', 1)],
  });

  const unused = Object.keys(state).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`writeViTOnnx: state dict entries not in the graph: ${unused.join(', ')}`);

  const tensorType = (dims: (number | string)[]) => ({
    tensor_type: {
      elem_type: DataType['FLOAT'],
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
    },
  });
  const model = ModelProto.fromObject({
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'vit-bench onnx-writer',
    producer_version: '1',
    graph: {
      name: 'vit',
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: 'img', type: tensorType(['batch', channels, imageSize, imageSize]) }],
      output: [{ name: 'logits', type: tensorType(['batch', numClasses]) }],
    },
  });
  return ModelProto.encode(model).finish();
}

/** Node count of an ONNX model (for the report). */
export function countOnnxNodes(bytes: Uint8Array): number {
  const model = ModelProto.decode(bytes) as unknown as { graph?: { node?: unknown[] } };
  return model.graph?.node?.length ?? 0;
}
