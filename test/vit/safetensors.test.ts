// backends: cpu, wasm
/**
 * safetensors from and to bytes: round trips (zero-size tensors, every written dtype, metadata),
 * decoding of every dtype, clear errors for malformed files, loading into a model (unchanged when
 * anything is wrong), and the Node file helpers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, parseSafetensors, saveSafetensors, ViT } from '@vit/core';
import { loadSafetensorsFile, readSafetensorsFile, saveSafetensorsFile, writeSafetensorsFile } from '@vit/core/node';
import { backendName, useTestBackend } from '../support/backend.js';
import { fixtureBytes, manifestCase, seeded, take, withoutLeaks } from './helpers.js';

/** A safetensors file from a header (object or raw text) and data bytes. */
function file(header: object | string, data: ArrayLike<number> = [], { pad = true, length }: { pad?: boolean; length?: bigint } = {}): Uint8Array {
  let json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (pad && json.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

function bytesOf(values: number[], write: (view: DataView, offset: number, v: number) => void, size: number): number[] {
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => write(view, i * size, v));
  return Array.from(new Uint8Array(view.buffer));
}

function decodeOne(dtype: string, shape: number[], data: number[]): tf.Tensor {
  const { tensors } = decodeSafetensors(file({ t: { dtype, shape, data_offsets: [0, data.length] } }, data));
  return tensors['t']!;
}

async function snapshot(model: ViT): Promise<Record<string, number[]>> {
  const state = model.stateDict();
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(state)) out[k] = Array.from(await t.data());
  tf.dispose(Object.values(state));
  return out;
}

const TINY = { imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: 1, heads: 2, dimHead: 4, mlpDim: 16 } as const;

describe(`safetensors on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('round trip: float32, int32, bool, scalars and zero-size tensors, with metadata', async () => {
    await withoutLeaks(async () => {
      const tensors = {
        'b.weight': seeded([3, 2], 1),
        'a.count': tf.tensor([7, -2147483648, 2147483647], [3], 'int32'),
        mask: tf.tensor([true, false, true], [3], 'bool'),
        scalar: tf.scalar(2.5),
        empty: tf.zeros([0, 4]),
      };
      const bytes = await encodeSafetensors(tensors, { format: 'pt', note: 'héllo' });
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      assert.equal((8 + n) % 8, 0, 'header padded to a multiple of 8');
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
      assert.deepEqual(Object.keys(header), ['__metadata__', 'a.count', 'b.weight', 'empty', 'mask', 'scalar']);
      // data ordered by alignment, then name: a.count, b.weight, empty, scalar (4 bytes), then mask (1 byte)
      assert.deepEqual(header['empty'], { dtype: 'F32', shape: [0, 4], data_offsets: [36, 36] });
      assert.deepEqual(header['mask'], { dtype: 'BOOL', shape: [3], data_offsets: [40, 43] });
      const { tensors: back, metadata } = decodeSafetensors(bytes);
      assert.deepEqual(metadata, { format: 'pt', note: 'héllo' });
      for (const [name, t] of Object.entries(tensors)) {
        assert.equal(back[name]!.dtype, t.dtype, name);
        assert.deepEqual(back[name]!.shape, t.shape, name);
        assert.deepEqual(Array.from(await back[name]!.data()), Array.from(await t.data()), name);
      }
      tf.dispose([...Object.values(tensors), ...Object.values(back)]);
    });
  });

  it('reads every dtype: floats to float32, integers to int32, BOOL to bool', async () => {
    const half = [0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000, 0x3555];
    const f16 = await take(decodeOne('F16', [7], bytesOf(half, (v, o, x) => v.setUint16(o, x, true), 2)));
    assert.deepEqual(Array.from(f16), [1, -2, 2 ** -24, 65504, Infinity, -0, Math.fround(0.333251953125)]);
    assert.ok(Number.isNaN((await take(decodeOne('F16', [1], [0x01, 0x7e])))[0]!));
    const bf16 = await take(decodeOne('BF16', [3], bytesOf([0x3f80, 0xc0a0, 0x3eaa], (v, o, x) => v.setUint16(o, x, true), 2)));
    assert.deepEqual(Array.from(bf16), [1, -5, Math.fround(0.33203125)]);
    const f64 = decodeOne('F64', [2, 1], bytesOf([0.1, -1e300], (v, o, x) => v.setFloat64(o, x, true), 8));
    assert.equal(f64.dtype, 'float32');
    assert.deepEqual(Array.from(await take(f64)), [Math.fround(0.1), -Infinity]);
    const e4m3 = await take(decodeOne('F8_E4M3', [3], [0x38, 0xc4, 0x01]));
    assert.deepEqual(Array.from(e4m3), [1, -3, 2 ** -9]);
    const e5m2 = await take(decodeOne('F8_E5M2', [2], [0x3c, 0xc2]));
    assert.deepEqual(Array.from(e5m2), [1, -3]);
    const i64 = decodeOne('I64', [2], bytesOf([-5, 2147483647], (v, o, x) => v.setBigInt64(o, BigInt(x), true), 8));
    assert.equal(i64.dtype, 'int32');
    assert.deepEqual(Array.from(await i64.data()), [-5, 2147483647]);
    i64.dispose();
    for (const [dtype, size, write, vals] of [
      ['I32', 4, (v: DataView, o: number, x: number) => v.setInt32(o, x, true), [-7, 9]],
      ['I16', 2, (v: DataView, o: number, x: number) => v.setInt16(o, x, true), [-300, 300]],
      ['I8', 1, (v: DataView, o: number, x: number) => v.setInt8(o, x), [-128, 127]],
      ['U8', 1, (v: DataView, o: number, x: number) => v.setUint8(o, x), [0, 255]],
      ['U16', 2, (v: DataView, o: number, x: number) => v.setUint16(o, x, true), [65535, 1]],
      ['U32', 4, (v: DataView, o: number, x: number) => v.setUint32(o, x, true), [2147483647, 0]],
      ['U64', 8, (v: DataView, o: number, x: number) => v.setBigUint64(o, BigInt(x), true), [12, 0]],
    ] as const) {
      const t = decodeOne(dtype, [2], bytesOf([...vals], write, size));
      assert.equal(t.dtype, 'int32', dtype);
      assert.deepEqual(Array.from(await t.data()), [...vals], dtype);
      t.dispose();
    }
    const bool = decodeOne('BOOL', [3], [1, 0, 1]);
    assert.equal(bool.dtype, 'bool');
    assert.deepEqual(Array.from(await take(bool)), [1, 0, 1]);
  });

  it('integers that do not fit int32 are an error, never wrapped', () => {
    const before = tf.memory().numTensors;
    const big = bytesOf([2 ** 31], (v, o, x) => v.setBigInt64(o, BigInt(x), true), 8);
    assert.throws(() => decodeSafetensors(file({ ok: { dtype: 'F32', shape: [0], data_offsets: [0, 0] }, t: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, big)),
      /tensor 't' \(I64\) element 0 = 2147483648 does not fit in int32/);
    assert.throws(() => decodeOne('U32', [1], [0, 0, 0, 0x80]), /does not fit in int32/);
    assert.throws(() => decodeOne('BOOL', [1], [2]), /booleans must be 0 or 1/);
    assert.equal(tf.memory().numTensors, before, 'a failed decode creates no tensors');
  });

  it('malformed files are rejected with a precise message', () => {
    const ok = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const eight = new Array(8).fill(0);
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', new Uint8Array(5), /5 bytes long, too short/],
      ['header longer than the file', file(ok, eight, { length: 1000n }), /header length 1000 exceeds the \d+ bytes after it \(truncated file\?\)/],
      ['truncated data', file(ok, eight).subarray(0, -3), /data section has 5 bytes but the tensors cover 0|out of range/],
      ['not JSON', file('{"t": ', [], { pad: false }), /header is not valid JSON/],
      ['not an object', file('[1, 2]'), /must be a JSON object starting with '\{'/],
      ['invalid UTF-8', file('{"\u00e9": 1}').map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
      ['unknown dtype', file({ t: { dtype: 'F17', shape: [2], data_offsets: [0, 8] } }, eight), /unknown dtype "F17"/],
      ['bad shape', file({ t: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eight), /invalid shape \[-2\]/],
      ['bad offsets', file({ t: { dtype: 'F32', shape: [2], data_offsets: [0] } }, eight), /invalid data_offsets \[0\]/],
      ['end before begin', file({ t: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, eight), /end before they begin/],
      ['size does not match the shape', file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight), /has 8 bytes of data, but shape \[3\] of F32 needs 12/],
      ['out of range', file({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, eight), /out of range: the data section has 8 bytes/],
      ['overlap', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight),
        /'b' data_offsets \[4, 8\] overlap the previous tensor/],
      ['gap', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /leave a gap after byte 0/],
      ['trailing bytes', file(ok, [...eight, 1, 2, 3, 4]), /12 bytes but the tensors cover 8/],
      ['metadata not strings', file({ __metadata__: { epoch: 3 }, ...ok }, eight), /__metadata__ value for 'epoch' must be a string/],
      ['entry not an object', file({ t: 5 }), /entry 't' must be an object/],
    ];
    for (const [what, bytes, message] of cases) {
      assert.throws(() => parseSafetensors(bytes), (e: Error) => {
        assert.match(e.message, /^safetensors: /, what);
        assert.match(e.message, message, what);
        return true;
      }, what);
    }
  });

  it('writing refuses what it cannot store', async () => {
    const s = tf.tensor(['a'], [1], 'string');
    await assert.rejects(encodeSafetensors({ s }), /cannot write tensor 's' of dtype string/);
    const gone = tf.ones([1]);
    gone.dispose();
    await assert.rejects(encodeSafetensors({ gone }), /not a live tensor/);
    await assert.rejects(encodeSafetensors({ __metadata__: tf.ones([1]) }), /invalid tensor name/);
    s.dispose();
  });

  it('the fixture files parse; vit_mean holds a zero-size cls_token', () => {
    const c = manifestCase('vit_mean');
    const { entries } = parseSafetensors(fixtureBytes(c.weights.file));
    assert.deepEqual(Object.keys(entries).sort(), c.weights.keys.map((k) => k.name).sort());
    assert.deepEqual(entries['cls_token']!.shape, [0, 64]);
    assert.equal(entries['cls_token']!.data.byteLength, 0);
  });

  it('model round trip: save our state dict, load into a fresh model, identical outputs', async () => {
    const a = new ViT(TINY).eval();
    const b = new ViT(TINY).eval();
    await withoutLeaks(async () => {
      const bytes = await saveSafetensors(a, { source: 'test' });
      assert.deepEqual(loadSafetensors(b, bytes), { missingKeys: [], unexpectedKeys: [] });
      const img = seeded([2, 3, 8, 8], 3);
      const ya = await take(a.forward(img));
      const yb = await take(b.forward(img));
      assert.deepEqual(Array.from(yb), Array.from(ya));
      img.dispose();
    });
    a.dispose();
    b.dispose();
  });

  it('a failed load leaves the model unchanged: malformed bytes, wrong shapes, missing keys', async () => {
    const source = new ViT(TINY);
    const target = new ViT(TINY);
    const before = await snapshot(target);
    const good = await saveSafetensors(source);
    await withoutLeaks(async () => {
      assert.throws(() => loadSafetensors(target, good.subarray(0, good.length - 4)), /safetensors: /);
      const other = new ViT({ ...TINY, mlpDim: 24 });
      const otherBytes = await saveSafetensors(other);
      assert.throws(() => loadSafetensors(target, otherBytes), /size mismatch for transformer\.layers\.0\.1\.net\.1\.weight/);
      other.dispose();
      const state = source.stateDict();
      const partial = await encodeSafetensors(Object.fromEntries(Object.entries(state).filter(([k]) => k !== 'mlp_head.bias')));
      tf.dispose(Object.values(state));
      assert.throws(() => loadSafetensors(target, partial), /Missing key\(s\) in state_dict: "mlp_head\.bias"/);
      assert.deepEqual(await snapshot(target), before);
      assert.deepEqual(loadSafetensors(target, partial, { strict: false }), { missingKeys: ['mlp_head.bias'], unexpectedKeys: [] });
    });
    source.dispose();
    target.dispose();
  });

  it('Node file helpers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vit-safetensors-'));
    try {
      const model = new ViT(TINY);
      const copy = new ViT(TINY);
      await saveSafetensorsFile(model, path.join(dir, 'model.safetensors'), { step: '1' });
      assert.deepEqual(await loadSafetensorsFile(copy, path.join(dir, 'model.safetensors')), { missingKeys: [], unexpectedKeys: [] });
      assert.deepEqual(await snapshot(copy), await snapshot(model));
      const t = tf.tensor([1, 2, 3], [3], 'int32');
      await writeSafetensorsFile(path.join(dir, 'one.safetensors'), { t });
      assert.deepEqual(Array.from(readFileSync(path.join(dir, 'one.safetensors')).subarray(-12)), [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
      const { tensors, metadata } = await readSafetensorsFile(path.join(dir, 'model.safetensors'));
      assert.deepEqual(metadata, { step: '1' });
      assert.deepEqual(Object.keys(tensors).sort(), Object.keys(model.namedParameters()).sort());
      tf.dispose([t, ...Object.values(tensors)]);
      model.dispose();
      copy.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
