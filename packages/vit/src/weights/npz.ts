/**
 * numpy `.npy` / `.npz` from and to bytes (no file system: works in browsers). An `.npz` is a ZIP
 * (read with fflate) with one `<key>.npy` member per array. numpy writes a ZIP64 extra field in every
 * LOCAL header but none in the central directory, so member data is located from the local header
 * (fflate does this). The `.npy` header is parsed here: magic `\x93NUMPY`, version 1.x / 2.x / 3.x,
 * header length, then a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (..), }`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { decode, type Decoded, type SafetensorsDtype } from './dtypes.js';

export interface NpyArray {
  /** numpy's dtype string, e.g. '<f4'. */
  readonly descr: string;
  readonly shape: number[];
  readonly fortranOrder: boolean;
  /** The raw element bytes as stored (a view into the file). */
  readonly data: Uint8Array;
}

function fail(where: string, message: string): never {
  throw new Error(`npy${where === '' ? '' : ` '${where}'`}: ${message}`);
}

/** descr (without byte order) → the safetensors dtype with the same encoding. */
const DESCR_DTYPES: Record<string, SafetensorsDtype> = {
  f8: 'F64', f4: 'F32', f2: 'F16', i8: 'I64', i4: 'I32', i2: 'I16', i1: 'I8', u8: 'U64', u4: 'U32', u2: 'U16', u1: 'U8', b1: 'BOOL',
};

function dtypeOf(descr: string, name: string): { dtype: SafetensorsDtype; size: number; bigEndian: boolean } {
  const m = /^([<>|=])?([fiub])(\d+)$/.exec(descr);
  const dtype = m === null ? undefined : DESCR_DTYPES[`${m[2]}${m[3]}`];
  if (m === null || dtype === undefined) fail(name, `unsupported dtype '${descr}' (supported: float16/32/64, (u)int8-64, bool)`);
  const size = Number(m[3]);
  return { dtype, size, bigEndian: m[1] === '>' && size > 1 };
}

/** Parses one `.npy` file; `name` is for error messages. */
export function parseNpy(bytes: Uint8Array, name = ''): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.byteLength < 10 || magic.some((b, i) => bytes[i] !== b)) fail(name, 'not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.byteLength < 12) fail(name, 'truncated header');
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    fail(name, `unsupported .npy version ${major}.${bytes[7]}`);
  }
  if (start + headerLength > bytes.byteLength) fail(name, `header of ${headerLength} bytes runs past the end of the file (${bytes.byteLength} bytes)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(name, `header ${JSON.stringify(header.trim())} must give 'descr', 'fortran_order' and 'shape'`);
  }
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!parts.every((s) => /^\d+L?$/.test(s))) fail(name, `invalid shape (${shapeText})`);
  const shape = parts.map((s) => Number.parseInt(s, 10));
  const { size } = dtypeOf(descr, name);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  const expected = count * size;
  if (bytes.byteLength - dataStart !== expected) {
    fail(name, `shape (${shape.join(', ')}) of ${descr} needs ${expected} bytes of data, the file has ${bytes.byteLength - dataStart}`);
  }
  return { descr, shape, fortranOrder: fortran === 'True', data: bytes.subarray(dataStart) };
}

/** Decodes an array's values to float32 / int32 / bool in C (row-major) order. */
export function decodeNpy(array: NpyArray, name = ''): Decoded {
  const { dtype, size, bigEndian } = dtypeOf(array.descr, name);
  const count = array.shape.reduce((a, b) => a * b, 1);
  let data = array.data;
  if (bigEndian) {
    data = new Uint8Array(data.byteLength);
    for (let i = 0; i < count; i++) for (let j = 0; j < size; j++) data[i * size + j] = array.data[i * size + size - 1 - j]!;
  }
  const decoded = decode(new DataView(data.buffer, data.byteOffset, data.byteLength), dtype, count, name);
  if (!array.fortranOrder || array.shape.length < 2) return decoded;
  // Fortran order: the data is the C-order array of the reversed shape, transposed.
  const out = new (decoded.values.constructor as { new (n: number): Decoded['values'] })(count);
  const shape = array.shape;
  const cStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const fStrides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  for (let c = 0; c < count; c++) {
    let f = 0;
    for (let i = 0; i < shape.length; i++) f += Math.floor(c / cStrides[i]!) % shape[i]! * fStrides[i]!;
    out[c] = decoded.values[f]!;
  }
  return { dtype: decoded.dtype, values: out } as Decoded;
}

/** Parses an `.npz` archive into its arrays, keyed by member name without `.npy`. */
export function parseNpz(input: Uint8Array | ArrayBuffer): Record<string, NpyArray> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new Error('npz: not a ZIP archive (missing the PK signature)');
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new Error(`npz: cannot read the ZIP archive (${(err as Error).message}); truncated or corrupt file?`);
  }
  const out: Record<string, NpyArray> = {};
  for (const [member, data] of Object.entries(files)) {
    if (member.endsWith('/')) continue;
    if (!member.endsWith('.npy')) throw new Error(`npz: member '${member}' is not a .npy file`);
    const key = member.slice(0, -4);
    out[key] = parseNpy(data, key);
  }
  return out;
}

/** Host-side arrays of an `.npz` (values decoded, C order). */
export interface HostArray {
  readonly shape: number[];
  readonly dtype: Decoded['dtype'];
  readonly values: Decoded['values'];
}

export function decodeNpzHost(input: Uint8Array | ArrayBuffer): Record<string, HostArray> {
  const arrays = parseNpz(input);
  const out: Record<string, HostArray> = {};
  for (const [key, array] of Object.entries(arrays)) {
    const { dtype, values } = decodeNpy(array, key);
    out[key] = { shape: array.shape, dtype, values };
  }
  return out;
}

/** Decodes an `.npz` into new tensors the caller owns (float → float32, integers → int32, bool). */
export function decodeNpz(input: Uint8Array | ArrayBuffer): Record<string, tf.Tensor> {
  const host = decodeNpzHost(input);
  const out: Record<string, tf.Tensor> = {};
  for (const [key, { shape, dtype, values }] of Object.entries(host)) out[key] = tf.tensor(values, shape, dtype);
  return out;
}

/** One `.npy` file (version 1.0, little-endian, C order) for a float32 / int32 / bool array. */
export function encodeNpy(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: 'float32' | 'int32' | 'bool'): Uint8Array {
  const descr = dtype === 'float32' ? '<f4' : dtype === 'int32' ? '<i4' : '|b1';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const size = dtype === 'bool' ? 1 : 4;
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => {
    if (dtype === 'float32') view.setFloat32(4 * i, v, true);
    else if (dtype === 'int32') view.setInt32(4 * i, v, true);
    else view.setUint8(i, v ? 1 : 0);
  });
  return out;
}

/** An `.npz` (stored, like np.savez) of float32 / int32 / bool tensors (only read). */
export async function encodeNpz(tensors: Record<string, tf.Tensor>): Promise<Uint8Array> {
  const files: Zippable = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') throw new Error(`npz: cannot write '${key}' of dtype ${t.dtype}`);
    files[`${key}.npy`] = encodeNpy(await t.data() as Float32Array | Int32Array | Uint8Array, t.shape, t.dtype);
  }
  return zipSync(files, { level: 0 });
}
