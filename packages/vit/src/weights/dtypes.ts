/**
 * safetensors dtypes and their decoding to tfjs dtypes (float32 / int32 / bool). Little-endian,
 * read through DataView so unaligned offsets and big-endian hosts work.
 */
export type SafetensorsDtype =
  | 'F64' | 'F32' | 'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2'
  | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

export const DTYPE_SIZES: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_SIZES, value);
}

export type Decoded =
  | { dtype: 'float32'; values: Float32Array }
  | { dtype: 'int32'; values: Int32Array }
  | { dtype: 'bool'; values: Uint8Array };

/** Decodes `count` little-endian elements of `dtype` at `view`'s start. `name` is for error messages. */
export function decode(view: DataView, dtype: SafetensorsDtype, count: number, name: string): Decoded {
  switch (dtype) {
    case 'F32': return { dtype: 'float32', values: new Float32Array(copyLittleEndian(view, count, 4) ?? floats(count, (i) => view.getFloat32(4 * i, true)).values) };
    case 'F64': return floats(count, (i) => view.getFloat64(8 * i, true));
    case 'F16': return floats(count, (i) => halfToFloat(view.getUint16(2 * i, true)));
    case 'BF16': return floats(count, (i) => bfloat16ToFloat(view.getUint16(2 * i, true)));
    case 'F8_E4M3': return floats(count, (i) => e4m3ToFloat(view.getUint8(i)));
    case 'F8_E5M2': return floats(count, (i) => halfToFloat(view.getUint8(i) << 8));
    case 'I32': return { dtype: 'int32', values: new Int32Array(copyLittleEndian(view, count, 4) ?? ints(count, (i) => view.getInt32(4 * i, true)).values) };
    case 'I16': return ints(count, (i) => view.getInt16(2 * i, true));
    case 'I8': return ints(count, (i) => view.getInt8(i));
    case 'U16': return ints(count, (i) => view.getUint16(2 * i, true));
    case 'U8': return ints(count, (i) => view.getUint8(i));
    case 'U32': return ints(count, (i) => checkedInt(view.getUint32(4 * i, true), name, dtype, i));
    case 'I64': return ints(count, (i) => checkedInt(view.getBigInt64(8 * i, true), name, dtype, i));
    case 'U64': return ints(count, (i) => checkedInt(view.getBigUint64(8 * i, true), name, dtype, i));
    case 'BOOL': {
      const values = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const b = view.getUint8(i);
        if (b > 1) throw new Error(`safetensors: tensor '${name}' (BOOL) has byte ${b} at element ${i}; booleans must be 0 or 1`);
        values[i] = b;
      }
      return { dtype: 'bool', values };
    }
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Fast path on little-endian hosts: one byte copy into an aligned buffer (undefined elsewhere). */
function copyLittleEndian(view: DataView, count: number, size: number): ArrayBuffer | undefined {
  if (!LITTLE_ENDIAN_HOST) return undefined;
  const out = new Uint8Array(count * size);
  out.set(new Uint8Array(view.buffer, view.byteOffset, count * size));
  return out.buffer;
}

function floats(count: number, read: (i: number) => number): Decoded {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = read(i);
  return { dtype: 'float32', values };
}

function ints(count: number, read: (i: number) => number): Decoded {
  const values = new Int32Array(count);
  for (let i = 0; i < count; i++) values[i] = read(i);
  return { dtype: 'int32', values };
}

/** tfjs has no 64-bit integers: values outside int32 are an error, never silently wrapped. */
function checkedInt(value: number | bigint, name: string, dtype: SafetensorsDtype, index: number): number {
  if (value < -2147483648 || value > 2147483647) {
    throw new Error(`safetensors: tensor '${name}' (${dtype}) element ${index} = ${value} does not fit in int32`);
  }
  return Number(value);
}

/** IEEE 754 binary16 bits → number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32Scratch = new DataView(new ArrayBuffer(4));
/** bfloat16 bits are the top half of a float32. */
export function bfloat16ToFloat(bits: number): number {
  f32Scratch.setUint32(0, bits << 16);
  return f32Scratch.getFloat32(0);
}

/** float8 e4m3fn (no infinities; 0x7f / 0xff are NaN). */
function e4m3ToFloat(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >> 3) & 0xf;
  const fraction = bits & 0x7;
  if (exponent === 0xf && fraction === 0x7) return NaN;
  if (exponent === 0) return sign * fraction * 2 ** -9;
  return sign * (1 + fraction / 8) * 2 ** (exponent - 7);
}
