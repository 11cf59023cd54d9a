// backends: cpu, wasm
/**
 * Checkpoint loading: position-table resampling (checked against PIL / scipy), loading at another
 * image size, files the tests write in each format (safetensors, .npz without ZIP64), malformed
 * files (each error says what is wrong, the model is left unchanged), npz ⇄ safetensors arrays,
 * and timm ⇄ vit-pytorch conversion.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, decodeNpz, decodeSafetensors, encodeNpz, encodeSafetensors, googleNpzToTimm, decodeNpzHost, loadPretrained, parseNpz,
  parseSafetensors, pretrainedInfo, readCheckpoint, resampleAbsPosEmbed, resizeGrid, saveSafetensors, timmToVitPytorch, vitPytorchToTimm,
  ViT, VisionTransformer, detectCheckpointFormat, encodeNpy, parseNpy, decodeNpy, type HostState, type Interpolation } from '@vit/core';
import { zipSync } from 'fflate';
import { useTestBackend } from '../support/backend.js';
import { assertCloseTo, interopArray, interopBytes, interopCase, interopInput, seededFloats } from './helpers.js';

before(async () => { await useTestBackend(); });

const SMALL = { imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4, mlpRatio: 2, numClasses: 10 };
const TOKEN = interopCase('timm_vit_token');
const NPZ = interopCase('google_npz_jeonsworld');

/**
 * Reference resizes of the grid v[i] = sin(1.3·i) + 0.1·i (one channel): PIL 9.4 Image.resize(BICUBIC)
 * on mode 'F' (the same filter as PyTorch's bicubic with antialias=True: Keys a = -0.5, support scaled
 * when downsampling), scipy 1.17 ndimage.zoom(order=1) (corners aligned, jeonsworld) and
 * zoom(order=1, grid_mode=True, mode='nearest') (half-pixel bilinear, PyTorch align_corners=False).
 */
const REFS: Record<string, number[]> = {
  '4x4->6x6': [-0.0375803225, 0.55336386, 1.10903645, 0.787102163, 0.0298393816, -0.555173635, -0.332457393, 0.292439997, 1.03807819, 1.18407631, 0.661394417, 0.150295272, -0.54407531, -0.0163926166, 0.812747896, 1.54972076, 1.47971737, 1.20206356, -0.188946843, -0.074604176, 0.361177593, 1.30780375, 1.82137358, 2.00538874, 0.737540424, 0.430691808, 0.289625555, 0.908221245, 1.70102298, 2.23061228, 1.46203029, 0.898958802, 0.35640192, 0.619804204, 1.49183607, 2.19576979],
  '6x6->4x4': [0.780125678, 0.594800055, -0.200836509, 0.853770912, 1.09289944, 0.545321167, 1.73312354, 1.93334031, 1.45381331, 2.67360663, 2.48268008, 1.76123893, 3.53421736, 3.04927611, 2.48737001, 3.6982224],
  '4x4->7x5': [-0.00720494334, 0.82746917, 1.00567973, 0.292385995, -0.548903883, -0.21291545, 0.658716381, 1.11821604, 0.711068928, -0.0465327539, -0.528538764, 0.346937209, 1.27293885, 1.44213188, 0.894862175, -0.402196139, 0.0905982405, 1.04214025, 1.70019424, 1.64125252, 0.0429822244, 0.0177289695, 0.717997968, 1.68187404, 2.15218282, 0.949565589, 0.409252018, 0.514902532, 1.35346723, 2.19097924, 1.45802414, 0.651458144, 0.418355793, 1.15307283, 2.16593719],
  'zoom 4x4->6x6': [0, 0.638134956, 0.99394685, 0.785112739, 0.27419436, -0.387766153, -0.290072799, 0.396668077, 0.932661533, 1.16716027, 0.929736972, 0.456352592, -0.392329007, 0.202887967, 0.792333066, 1.37023425, 1.43077409, 1.23263311, -0.118952103, 0.104481444, 0.49391818, 1.21536124, 1.62280035, 1.87323725, 0.506405592, 0.341258377, 0.418961614, 0.982365727, 1.53981185, 2.09427905, 1.30775368, 0.745627046, 0.455734223, 0.710308909, 1.31931615, 2.1055398],
  'zoom 4x4->7x5': [0, 0.797668695, 0.889529824, 0.43968448, -0.387766153, -0.241727322, 0.606572509, 1.02318072, 0.946683288, 0.315666139, -0.483454645, 0.415476352, 1.15683162, 1.45368207, 1.0190984, -0.255640566, 0.256016016, 0.967961729, 1.5202502, 1.55293512, -0.0278264694, 0.0965556949, 0.779091775, 1.58681834, 2.08677197, 0.639963627, 0.350825548, 0.681056678, 1.35478926, 2.09615588, 1.30775368, 0.605095387, 0.583021581, 1.1227603, 2.1055398],
  'halfpixel 4x4->6x6': [0, 0.53177911, 1.00554872, 0.773510873, 0.163867608, -0.387766153, -0.241727322, 0.323805898, 0.933952987, 1.1124084, 0.736344218, 0.315666139, -0.407516629, 0.105709732, 0.777249038, 1.410501, 1.38292897, 1.19704401, -0.103764497, 0.0652179271, 0.436816365, 1.24728048, 1.67936146, 1.90882635, 0.639963627, 0.447204918, 0.396649688, 0.965463638, 1.60191154, 2.09615588, 1.30775368, 0.839314818, 0.441591173, 0.724451959, 1.4503535, 2.1055398],
  'halfpixel 6x6->4x4': [0.56283766, 0.660362899, -0.194127679, 0.791637421, 1.16857123, 0.575296938, 1.77315378, 1.84932125, 1.3562994, 2.65938616, 2.52337646, 1.74331689, 3.52871823, 2.91835976, 2.56178212, 3.86716413],
};

function grid(h: number, w: number): Float32Array {
  return Float32Array.from({ length: h * w }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('resampling', () => {
  const cases: [string, [number, number], [number, number], Interpolation, boolean][] = [
    ['4x4->6x6', [4, 4], [6, 6], 'bicubic', true],
    ['6x6->4x4', [6, 6], [4, 4], 'bicubic', true],
    ['4x4->7x5', [4, 4], [7, 5], 'bicubic', true],
    ['zoom 4x4->6x6', [4, 4], [6, 6], 'zoom', false],
    ['zoom 4x4->7x5', [4, 4], [7, 5], 'zoom', false],
    ['halfpixel 4x4->6x6', [4, 4], [6, 6], 'bilinear', false],
    ['halfpixel 6x6->4x4', [6, 6], [4, 4], 'bilinear', false],
  ];
  for (const [key, from, to, interpolation, antialias] of cases) {
    it(`${interpolation}${antialias ? ' + antialias' : ''} ${key.replace(/^\w+ /, '')} matches the reference within 1e-6`, () => {
      const got = resizeGrid(grid(...from), from, to, 1, { interpolation, antialias });
      assert.ok(maxDiff(got, REFS[key]!) <= 1e-6, String(maxDiff(got, REFS[key]!)));
    });
  }

  it('channels are resampled independently; the same size is a copy', () => {
    const a = grid(4, 4);
    const b = Float32Array.from(a, (v) => 2 * v - 1);
    const both = new Float32Array(32);
    a.forEach((v, i) => { both[2 * i] = v; both[2 * i + 1] = b[i]!; });
    const out = resizeGrid(both, [4, 4], [6, 6], 2, { interpolation: 'bicubic', antialias: true });
    const ra = resizeGrid(a, [4, 4], [6, 6], 1, { interpolation: 'bicubic', antialias: true });
    const rb = resizeGrid(b, [4, 4], [6, 6], 1, { interpolation: 'bicubic', antialias: true });
    assert.deepEqual(out.filter((_, i) => i % 2 === 0), ra);
    assert.deepEqual(out.filter((_, i) => i % 2 === 1), rb);
    assert.deepEqual(resizeGrid(a, [4, 4], [4, 4], 1, { interpolation: 'bicubic', antialias: true }), a);
  });

  it('resampleAbsPosEmbed keeps the prefix rows and resamples the grid', () => {
    const dim = 3;
    const table = seededFloats((2 + 16) * dim, 3);
    const { values, shape } = resampleAbsPosEmbed(table, [1, 18, dim], [6, 6], { numPrefixTokens: 2 });
    assert.deepEqual(shape, [1, 38, dim]);
    assert.deepEqual(values.subarray(0, 2 * dim), table.subarray(0, 2 * dim));
    assert.deepEqual(values.subarray(2 * dim), resizeGrid(table.subarray(2 * dim), [4, 4], [6, 6], dim, { interpolation: 'bicubic', antialias: true }));
    assert.throws(() => resampleAbsPosEmbed(table, [1, 18, dim], [6, 6], { numPrefixTokens: 1 }), /do not form a 4x4 grid/);
  });
});

describe('loading at another image size', () => {
  it('a timm safetensors checkpoint: pos_embed resampled bicubic + antialias (timm checkpoint_filter_fn)', async () => {
    const file = readCheckpoint(interopBytes(TOKEN.weights.file)).state['pos_embed']!;
    const expected = resampleAbsPosEmbed(file.values as Float32Array, file.shape, [6, 6], { numPrefixTokens: 1, interpolation: 'bicubic', antialias: true });
    const model = await createModel('vit_tiny_patch16_224', { ...SMALL, imgSize: 48, pretrained: interopBytes(TOKEN.weights.file) }) as VisionTransformer;
    assert.deepEqual(model.posEmbed.shape, [1, 37, 64]);
    assert.ok(maxDiff(await model.posEmbed.data(), expected.values) === 0);
    model.eval();
    const x = tf.tensor(seededFloats(2 * 3 * 48 * 48, 5), [2, 3, 48, 48]);
    const y = model.forward(x);
    assert.deepEqual(y.shape, [2, 10]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a Google .npz: pos_embed resampled bilinear without antialias (timm _load_weights)', async () => {
    const file = decodeNpzHost(interopBytes(NPZ.weights.file))['Transformer/posembed_input/pos_embedding']!;
    const expected = resampleAbsPosEmbed(file.values as Float32Array, file.shape, [6, 6], { numPrefixTokens: 1, interpolation: 'bilinear', antialias: false });
    const model = await createModel('vit_base_patch16_224', { ...SMALL, imgSize: 48, pretrained: interopBytes(NPZ.weights.file) }) as VisionTransformer;
    assert.ok(maxDiff(await model.posEmbed.data(), expected.values) === 0);
    model.dispose();
  });

  it('DeiT-III tables (noEmbedClass) have no prefix rows to keep', async () => {
    const src = await createModel('deit3_small_patch16_224', { ...SMALL }) as VisionTransformer;
    const bytes = await saveSafetensors(src);
    const table = await src.posEmbed.data() as Float32Array;
    const big = await createModel('deit3_small_patch16_224', { ...SMALL, imgSize: 48, pretrained: bytes }) as VisionTransformer;
    const expected = resampleAbsPosEmbed(table, [1, 16, 64], [6, 6], { numPrefixTokens: 0 });
    assert.deepEqual(big.posEmbed.shape, [1, 36, 64]);
    assert.ok(maxDiff(await big.posEmbed.data(), expected.values) === 0);
    src.dispose();
    big.dispose();
  });
});

describe('files written here, in each format', () => {
  it('safetensors: save → createModel(pretrained) reproduces the model exactly', async () => {
    const a = await createModel('deit_tiny_distilled_patch16_224', SMALL);
    a.eval();
    const bytes = await saveSafetensors(a);
    const b = await createModel('deit_tiny_distilled_patch16_224', { ...SMALL, pretrained: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    b.eval();
    const x = interopInput(TOKEN);
    const [ya, yb] = [a.forward(x), b.forward(x)];
    assert.deepEqual(await yb.data(), await ya.data());
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('.npz written with fflate (no ZIP64) from the fixture arrays loads to the same logits', async () => {
    const arrays = decodeNpz(interopBytes(NPZ.weights.file));
    const bytes = await encodeNpz(arrays);
    tf.dispose(Object.values(arrays));
    assert.equal(detectCheckpointFormat(bytes), 'npz');
    const model = await createModel('vit_base_patch16_224', { ...SMALL, pretrained: bytes });
    model.eval();
    const x = interopInput(NPZ);
    const y = model.forward(x);
    await assertCloseTo(y, interopArray(NPZ.outputs['logits']!.f64_reference!), [2, 10], 1e-5, 1e-5, 'logits');
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a deflate-compressed .npz (np.savez_compressed) reads the same', async () => {
    const stored = parseNpz(interopBytes(NPZ.weights.file));
    const files = Object.fromEntries(Object.entries(decodeNpz(interopBytes(NPZ.weights.file))).map(([k, t]) => {
      const bytes = encodeNpy(t.dataSync() as Float32Array, t.shape, 'float32');
      t.dispose();
      return [`${k}.npy`, bytes];
    }));
    const compressed = parseNpz(zipSync(files, { level: 6 }));
    for (const [k, a] of Object.entries(stored)) assert.deepEqual(compressed[k]!.data, a.data, k);
  });

  it('big_vision layout (params/ prefix, stacked encoderblock, _0 / LayerNorm_1 names) converts to the same timm state', () => {
    const npz = decodeNpzHost(interopBytes(NPZ.weights.file));
    const big: HostState = {};
    const rename = (k: string): string => k.replace('MultiHeadDotProductAttention_1', 'MultiHeadDotProductAttention_0')
      .replace('MlpBlock_3', 'MlpBlock_0').replace('LayerNorm_2', 'LayerNorm_1');
    for (const [k, a] of Object.entries(npz)) {
      const m = /^Transformer\/encoderblock_(\d+)\/(.*)$/.exec(k);
      if (m === null) big[k === 'Transformer/posembed_input/pos_embedding' ? 'params/pos_embedding' : `params/${k}`] = a;
      else if (m[1] === '0') {
        const other = npz[`Transformer/encoderblock_1/${m[2]}`]!;
        const values = new Float32Array(2 * a.values.length);
        values.set(a.values as Float32Array);
        values.set(other.values as Float32Array, a.values.length);
        big[`params/Transformer/encoderblock/${rename(m[2]!)}`] = { shape: [2, ...a.shape], dtype: 'float32', values };
      }
    }
    const ref = googleNpzToTimm(npz).state;
    const { state, unexpected } = googleNpzToTimm(big);
    assert.deepEqual(unexpected, []);
    assert.deepEqual(Object.keys(state).sort(), Object.keys(ref).sort());
    for (const [k, a] of Object.entries(ref)) {
      assert.deepEqual(state[k]!.shape, a.shape, k);
      assert.deepEqual(Float32Array.from(state[k]!.values), Float32Array.from(a.values), k);
    }
  });

  it('npz ⇄ safetensors: byte-identical arrays both ways', async () => {
    const st = decodeSafetensors(interopBytes(NPZ.weights.same_arrays_as_safetensors!)).tensors;
    const npz = parseNpz(await encodeNpz(st));
    const ref = parseSafetensors(interopBytes(NPZ.weights.same_arrays_as_safetensors!)).entries;
    for (const [k, e] of Object.entries(ref)) assert.deepEqual(npz[k]!.data, e.data, k);
    const back = parseSafetensors(await encodeSafetensors(decodeNpz(interopBytes(NPZ.weights.file)))).entries;
    for (const [k, e] of Object.entries(ref)) assert.deepEqual(back[k]!.data, e.data, k);
    tf.dispose(Object.values(st));
  });

  it('.npy: dtypes, big-endian, Fortran order, version 2', () => {
    const f = encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'float32');
    const parsed = parseNpy(f);
    assert.deepEqual([parsed.descr, parsed.shape, parsed.fortranOrder], ['<f4', [2, 3], false]);
    const npy = (header: string, data: number[], version = 1): Uint8Array => {
      const h = header + ' '.repeat((64 - ((version === 1 ? 10 : 12) + header.length + 1) % 64) % 64) + '\n';
      const pre = version === 1 ? [0x93, 78, 85, 77, 80, 89, 1, 0, h.length & 255, h.length >> 8] : [0x93, 78, 85, 77, 80, 89, 2, 0, h.length & 255, h.length >> 8, 0, 0];
      return Uint8Array.from([...pre, ...[...h].map((c) => c.charCodeAt(0)), ...data]);
    };
    const be = parseNpy(npy("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", [0, 1, 1, 0], 2));
    assert.deepEqual(readCheckpointArray(be), [1, 256]);
    const fortran = parseNpy(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", [1, 2, 3, 4, 5, 6]));
    assert.deepEqual(readCheckpointArray(fortran), [1, 3, 5, 2, 4, 6]);
  });
});

function readCheckpointArray(array: ReturnType<typeof parseNpy>): number[] {
  return [...decodeNpy(array).values];
}

describe('malformed and mismatched checkpoints', () => {
  async function unchanged(fn: (m: VisionTransformer) => unknown, pattern: RegExp): Promise<void> {
    const model = await createModel('vit_tiny_patch16_224', SMALL) as VisionTransformer;
    const before = model.stateDict();
    assert.throws(() => fn(model), pattern);
    const after = model.stateDict();
    for (const [k, t] of Object.entries(before)) assert.deepEqual(await after[k]!.data(), await t.data(), `${k} changed by a failed load`);
    tf.dispose([...Object.values(before), ...Object.values(after)]);
    model.dispose();
  }
  const good = (): HostState => readCheckpoint(interopBytes(TOKEN.weights.file)).state;
  async function encode(state: HostState): Promise<Uint8Array> {
    const tensors = Object.fromEntries(Object.entries(state).map(([k, a]) => [k, tf.tensor(a.values, a.shape, a.dtype)]));
    const bytes = await encodeSafetensors(tensors);
    tf.dispose(Object.values(tensors));
    return bytes;
  }

  it('unrecognised bytes, truncated safetensors, truncated npz', async () => {
    await unchanged((m) => loadPretrained(m, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])), /unrecognised checkpoint/);
    const st = interopBytes(TOKEN.weights.file);
    await unchanged((m) => loadPretrained(m, st.subarray(0, st.length - 100)), /safetensors: .*(truncated|data section)/);
    const npz = interopBytes(NPZ.weights.file);
    await unchanged((m) => loadPretrained(m, npz.subarray(0, 5000)), /npz: cannot read the ZIP archive/);
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...SMALL, pretrained: st.subarray(0, 200) }), /safetensors/);
  });

  it('a headless checkpoint leaves the classifier initialised; numClasses 0 drops the file\'s head', async () => {
    const headless = good();
    delete headless['head.weight'];
    delete headless['head.bias'];
    const model = await createModel('vit_tiny_patch16_224', { ...SMALL, pretrained: await encode(headless) });
    assert.deepEqual(pretrainedInfo.get(model)?.initialisedKeys, ['head.weight', 'head.bias']);
    model.dispose();
    const features = await createModel('vit_tiny_patch16_224', { ...SMALL, numClasses: 0, pretrained: interopBytes(TOKEN.weights.file) });
    features.eval();
    const x = interopInput(TOKEN);
    const pooled = features.forward(x);
    await assertCloseTo(pooled, interopArray(TOKEN.outputs['pre_logits']!.f64_reference!), [2, 64], 1e-5, 1e-5, 'pooled features');
    tf.dispose([x, pooled]);
    features.dispose();
  });

  it('missing, unexpected and wrongly shaped keys are listed', async () => {
    const missing = good();
    delete missing['blocks.1.mlp.fc2.bias'];
    delete missing['norm.weight'];
    const missingBytes = await encode(missing);
    await unchanged((m) => loadPretrained(m, missingBytes), /Missing key\(s\) in checkpoint: "blocks.1.mlp.fc2.bias", "norm.weight"/);
    const extra = good();
    extra['blocks.2.norm1.weight'] = extra['norm.weight']!;
    const extraBytes = await encode(extra);
    await unchanged((m) => loadPretrained(m, extraBytes), /Unexpected key\(s\) in checkpoint: "blocks.2.norm1.weight"/);
    const shape = good();
    shape['blocks.0.attn.qkv.weight'] = { ...shape['blocks.0.attn.qkv.weight']!, shape: [64, 192] };
    const shapeBytes = await encode(shape);
    await unchanged((m) => loadPretrained(m, shapeBytes), /size mismatch for blocks.0.attn.qkv.weight/);
  });

  it('npz: not a Google layout, a missing array, a bad .npy inside, unsupported dtypes, unknown keys', async () => {
    const arrays = decodeNpz(interopBytes(NPZ.weights.file));
    const withExtra = await encodeNpz({ ...arrays, 'Transformer/unknown': arrays['cls']! });
    await unchanged((m) => loadPretrained(m, withExtra), /unexpected key\(s\) for a Google ViT checkpoint: 'Transformer\/unknown'/);
    const { ['Transformer/encoderblock_1/MlpBlock_3/Dense_0/kernel']: _dropped, ...rest } = arrays;
    const restBytes = await encodeNpz(rest);
    await unchanged((m) => loadPretrained(m, restBytes), /npz: missing 'Transformer\/encoderblock_1\/MlpBlock_3\/Dense_0\/kernel'/);
    const fooBytes = await encodeNpz({ foo: arrays['cls']! });
    await unchanged((m) => loadPretrained(m, fooBytes), /not a Google ViT checkpoint/);
    tf.dispose(Object.values(arrays));
    const badMagic = zipSync({ 'x.npy': new Uint8Array(20) }, { level: 0 });
    await unchanged((m) => loadPretrained(m, badMagic), /npy 'x': not a .npy file/);
    const npy = encodeNpy(Float32Array.from([1, 2]), [2], 'float32');
    const short = zipSync({ 'x.npy': npy.subarray(0, npy.length - 1) }, { level: 0 });
    await unchanged((m) => loadPretrained(m, short), /npy 'x': shape \(2\) of <f4 needs 8 bytes of data, the file has 7/);
    const complex = Uint8Array.from(npy);
    complex.set([...'<c8'].map((c) => c.charCodeAt(0)), complex.indexOf(0x3c)); // '<f4' → '<c8'
    await unchanged((m) => loadPretrained(m, zipSync({ 'x.npy': complex }, { level: 0 })), /unsupported dtype '<c8'/);
    assert.throws(() => parseNpz(zipSync({ 'x.txt': new Uint8Array(4) }, { level: 0 })), /member 'x.txt' is not a .npy file/);
  });
});


describe('timm ⇄ vit-pytorch ViT names', () => {
  it('timm → vit-pytorch → timm gives the same arrays; qkv biases have no vit-pytorch place', () => {
    const timm = readCheckpoint(interopBytes(TOKEN.weights.file)).state;
    const { state: vp, unmapped } = timmToVitPytorch(timm);
    assert.deepEqual(unmapped.sort(), ['blocks.0.attn.qkv.bias', 'blocks.1.attn.qkv.bias']);
    assert.deepEqual(vp['cls_token']!.shape, [1, 64]);
    assert.deepEqual(vp['pos_embedding']!.shape, [17, 64]);
    assert.deepEqual(vp['to_patch_embedding.2.weight']!.shape, [64, 192]);
    assert.deepEqual(vp['transformer.layers.1.0.to_qkv.weight']!.shape, [192, 64]);
    assert.ok('transformer.layers.0.1.net.4.bias' in vp && 'mlp_head.weight' in vp && 'transformer.norm.weight' in vp);
    const { state: back, unmapped: none } = vitPytorchToTimm(vp, { patchSize: 8 });
    assert.deepEqual(none, []);
    for (const [k, a] of Object.entries(timm)) {
      if (k.endsWith('qkv.bias')) continue;
      assert.deepEqual(back[k]!.shape, a.shape, k);
      assert.deepEqual(back[k]!.values, a.values, k);
    }
  });

  it('a vit-pytorch ViT: everything but its patch LayerNorms maps onto a timm model, with the same patch projection', async () => {
    const vit = new ViT({ imageSize: 32, patchSize: 8, numClasses: 10, dim: 64, depth: 2, heads: 4, dimHead: 16, mlpDim: 128 });
    const sd = vit.stateDict();
    const host: HostState = {};
    for (const [k, t] of Object.entries(sd)) host[k] = { shape: t.shape, dtype: 'float32', values: await t.data() as Float32Array };
    tf.dispose(Object.values(sd));
    const { state, unmapped } = vitPytorchToTimm(host, { patchSize: 8 });
    assert.deepEqual(unmapped.sort(), ['to_patch_embedding.1.bias', 'to_patch_embedding.1.weight', 'to_patch_embedding.3.bias', 'to_patch_embedding.3.weight']);
    const timm = await createModel('vit_base_patch16_224', { ...SMALL, qkvBias: false }) as VisionTransformer;
    const tensors = Object.fromEntries(Object.entries(state).map(([k, a]) => [k, tf.tensor(a.values, a.shape)]));
    timm.loadStateDict(tensors); // strict: the key sets agree
    tf.dispose(Object.values(tensors));
    const x = interopInput(TOKEN);
    const linear = vit.toPatchEmbedding.at(2) as unknown as { forward(t: tf.Tensor): tf.Tensor };
    const patches = tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [2, 3, 4, 8, 4, 8]), [0, 2, 4, 3, 5, 1]), [2, 16, 192]));
    const a = linear.forward(patches);
    const b = timm.patchEmbed.forward(x);
    await assertCloseTo(b, await a.data(), [2, 16, 64], 1e-5, 1e-5, 'patch projection');
    tf.dispose([x, patches, a, b]);
    vit.dispose();
    timm.dispose();
  });

  it('DeiT: dist_token folds into DistillWrapper\'s distillation_token and back, with the same logits', async () => {
    const c = interopCase('timm_deit_distilled');
    const timm = readCheckpoint(interopBytes(c.weights.file)).state;
    const { state: vp, unmapped } = timmToVitPytorch(timm);
    assert.deepEqual(unmapped.sort(), ['blocks.0.attn.qkv.bias', 'blocks.1.attn.qkv.bias']);
    assert.deepEqual(vp['distillation_token']!.shape, [1, 64]);
    assert.deepEqual(vp['pos_embedding']!.shape, [17, 64]);
    assert.ok('distill_mlp.1.weight' in vp && 'distill_mlp.1.bias' in vp);
    const { state: back, unmapped: none } = vitPytorchToTimm(vp, { patchSize: 8 });
    assert.deepEqual(none, []);
    for (const k of ['blocks.0.attn.qkv.bias', 'blocks.1.attn.qkv.bias']) back[k] = timm[k]!;
    assert.deepEqual(Object.keys(back).sort(), Object.keys(timm).sort());
    const tensors = Object.fromEntries(Object.entries(back).map(([k, a]) => [k, tf.tensor(a.values, a.shape)]));
    const model = await createModel('deit_tiny_distilled_patch16_224', SMALL);
    model.loadStateDict(tensors);
    tf.dispose(Object.values(tensors));
    model.eval();
    const x = interopInput(c);
    const y = model.forward(x);
    await assertCloseTo(y, interopArray(c.outputs['logits']!.f64_reference!), [2, 10], 1e-5, 1e-5, 'logits after folding');
    tf.dispose([x, y]);
    model.dispose();
  });
});
