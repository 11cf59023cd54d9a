/**
 * The safetensors format, from and to bytes (no file system: works in browsers):
 * 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`, then the
 * raw little-endian row-major data, offsets relative to its start. As the reference implementation,
 * the tensors must tile the data exactly: no gaps, no overlaps, nothing after the last one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decode, DTYPE_SIZES, isSafetensorsDtype, type Decoded, type SafetensorsDtype } from './dtypes.js';

export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  /** The tensor's raw bytes (a view into the file). */
  readonly data: Uint8Array;
}

export interface ParsedSafetensors {
  readonly entries: Record<string, SafetensorsEntry>;
  readonly metadata: Record<string, string>;
}

/** The reference implementation's limit on the header size. */
const MAX_HEADER_BYTES = 100_000_000;

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

/** Parses and validates the header; tensor data stays in `bytes` (views, not copies). */
export function parseSafetensors(input: Uint8Array | ArrayBuffer): ParsedSafetensors {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength < 8) fail(`file is ${bytes.byteLength} bytes long, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.byteLength - 8)) fail(`header length ${headerLength} exceeds the ${bytes.byteLength - 8} bytes after it (truncated file?)`);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header must be a JSON object');

  const dataStart = 8 + n;
  const dataLength = bytes.byteLength - dataStart;
  let metadata: Record<string, string> = {};
  const infos: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(info);
      continue;
    }
    infos.push({ name, ...checkInfo(name, info) });
  }

  const ordered = [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const { name, begin, end } of ordered) {
    if (end > dataLength) fail(`tensor '${name}' data_offsets [${begin}, ${end}] are out of range: the data section has ${dataLength} bytes`);
    if (begin < expected) fail(`tensor '${name}' data_offsets [${begin}, ${end}] overlap the previous tensor (which ends at ${expected})`);
    if (begin > expected) fail(`tensor '${name}' data_offsets [${begin}, ${end}] leave a gap after byte ${expected}`);
    expected = end;
  }
  if (expected !== dataLength) fail(`the data section has ${dataLength} bytes but the tensors cover ${expected} (truncated or trailing bytes)`);

  const entries: Record<string, SafetensorsEntry> = {};
  for (const { name, dtype, shape, begin, end } of infos) {
    entries[name] = { dtype, shape, data: bytes.subarray(dataStart + begin, dataStart + end) };
  }
  return { entries, metadata };
}

function checkMetadata(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('__metadata__ must be an object of strings');
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`__metadata__ value for '${key}' must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

function checkInfo(name: string, info: unknown): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`entry '${name}' must be an object {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)} (expected one of ${Object.keys(DTYPE_SIZES).join(', ')})`);
  const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)} (expected an array of non-negative integers)`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end])`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`tensor '${name}' data_offsets [${begin}, ${end}] end before they begin`);
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  const bytes = count * DTYPE_SIZES[dtype];
  if (!Number.isSafeInteger(bytes) || end - begin !== bytes) {
    fail(`tensor '${name}' has ${end - begin} bytes of data, but shape [${shape.join(', ')}] of ${dtype} needs ${bytes}`);
  }
  return { dtype, shape: [...shape], begin, end };
}

export interface DecodedSafetensors {
  /** New tensors (float32, int32 or bool) the caller owns. */
  readonly tensors: Record<string, tf.Tensor>;
  readonly metadata: Record<string, string>;
}

/**
 * Decodes a safetensors file into tfjs tensors: F64 / F32 / F16 / BF16 / F8 → float32,
 * I64 / U64 / U32 / I32 / I16 / I8 / U16 / U8 → int32 (an error if a value does not fit), BOOL → bool.
 */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer): DecodedSafetensors {
  const { entries, metadata } = parseSafetensors(input);
  // Decode everything before creating any tensor: a bad value leaves nothing to clean up.
  const decoded: [string, number[], Decoded][] = Object.entries(entries).map(([name, entry]) => {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const view = new DataView(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    return [name, entry.shape, decode(view, entry.dtype, count, name)];
  });
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, shape, { dtype, values }] of decoded) tensors[name] = tf.tensor(values, shape, dtype);
  return { tensors, metadata };
}

const WRITE_DTYPES: Partial<Record<tf.DataType, SafetensorsDtype>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/**
 * Encodes float32 / int32 / bool tensors as a safetensors file (the tensors are only read).
 * Header keys sorted by name; data ordered by alignment then name, as the reference writer does;
 * the header is padded with spaces to a multiple of 8 bytes. Async: reads values with `await t.data()`.
 */
export async function encodeSafetensors(tensors: Record<string, tf.Tensor>, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  checkMetadata(metadata);
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name];
    if (name === '' || name === '__metadata__') fail(`invalid tensor name ${JSON.stringify(name)}`);
    if (!(t instanceof tf.Tensor) || t.isDisposed) fail(`value for '${name}' is not a live tensor`);
    if (WRITE_DTYPES[t.dtype] === undefined) fail(`cannot write tensor '${name}' of dtype ${t.dtype} (float32, int32 and bool are supported)`);
  }
  const dataOrder = [...names].sort((a, b) => DTYPE_SIZES[WRITE_DTYPES[tensors[b]!.dtype]!] - DTYPE_SIZES[WRITE_DTYPES[tensors[a]!.dtype]!] || (a < b ? -1 : 1));
  const chunks = new Map<string, Uint8Array>();
  for (const name of dataOrder) chunks.set(name, toLittleEndianBytes(await tensors[name]!.data(), tensors[name]!.dtype));

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const offsets = new Map<string, [number, number]>();
  let offset = 0;
  for (const name of dataOrder) {
    const length = chunks.get(name)!.byteLength;
    offsets.set(name, [offset, offset + length]);
    offset += length;
  }
  for (const name of names) {
    const t = tensors[name]!;
    header[name] = { dtype: WRITE_DTYPES[t.dtype], shape: t.shape, data_offsets: offsets.get(name) };
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const name of dataOrder) {
    out.set(chunks.get(name)!, at);
    at += chunks.get(name)!.byteLength;
  }
  return out;
}

function toLittleEndianBytes(values: tf.DataTypeMap[keyof tf.DataTypeMap], dtype: tf.DataType): Uint8Array {
  if (dtype === 'bool') return Uint8Array.from(values as Uint8Array, (v) => (v ? 1 : 0));
  const typed = values as Float32Array | Int32Array;
  const out = new Uint8Array(typed.length * 4);
  const view = new DataView(out.buffer);
  if (dtype === 'float32') typed.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else typed.forEach((v, i) => view.setInt32(4 * i, v, true));
  return out;
}
