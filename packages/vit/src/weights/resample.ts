/**
 * Position-table resampling for checkpoints loaded at another image size, in plain JS (float64
 * arithmetic, float32 result) so that it runs before any tensor exists. Three algorithms, one per
 * loader, as the references do (see ../shared/fixtures/interop/README.md):
 *
 * - `'bicubic'` + antialias (timm's checkpoint_filter_fn for timm checkpoints): PyTorch's
 *   `F.interpolate(mode='bicubic', antialias=True, align_corners=False)`: Keys' cubic with a = -0.5,
 *   taps around centre (o+0.5)·n/m, support 2 (scaled by n/m when downsampling), renormalised.
 * - `'bicubic'` without antialias: PyTorch's plain bicubic (a = -0.75, clamped taps).
 * - `'bilinear'` without antialias (timm's `_load_weights` for Google `.npz`): half-pixel source
 *   index clamped at 0, as PyTorch's bilinear with align_corners=False.
 * - `'zoom'`: scipy.ndimage.zoom(order=1) as jeonsworld's `load_from`: corners aligned, o·(n-1)/(m-1).
 */

export type Interpolation = 'bicubic' | 'bilinear' | 'zoom';

/** For every output index: the first input index and the weights of the taps from there. */
interface Taps {
  start: number[];
  weights: number[][];
}

function cubicAA(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function cubic1(x: number, a: number): number {
  return ((a + 2) * x - (a + 3)) * x * x + 1;
}

function cubic2(x: number, a: number): number {
  return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
}

/** The per-axis taps of an n → m resize. */
export function resizeTaps(n: number, m: number, interpolation: Interpolation, antialias: boolean): Taps {
  const start: number[] = [];
  const weights: number[][] = [];
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    if (interpolation === 'zoom') {
      const src = m === 1 ? 0 : (o * (n - 1)) / (m - 1);
      const i0 = Math.min(Math.floor(src), n - 1);
      const t = src - i0;
      if (i0 + 1 < n && t > 0) {
        start.push(i0);
        weights.push([1 - t, t]);
      } else {
        start.push(i0);
        weights.push([1]);
      }
    } else if (antialias && (interpolation === 'bicubic' || interpolation === 'bilinear')) {
      const support = (interpolation === 'bicubic' ? 2 : 1) * (scale >= 1 ? scale : 1);
      const invscale = scale >= 1 ? 1 / scale : 1;
      const centre = scale * (o + 0.5);
      const xmin = Math.max(Math.trunc(centre - support + 0.5), 0);
      const xmax = Math.min(Math.trunc(centre + support + 0.5), n);
      const filter = interpolation === 'bicubic' ? cubicAA : (x: number) => Math.max(0, 1 - Math.abs(x));
      const w: number[] = [];
      for (let j = xmin; j < xmax; j++) w.push(filter((j - centre + 0.5) * invscale));
      const total = w.reduce((a, b) => a + b, 0);
      start.push(xmin);
      weights.push(w.map((v) => (total !== 0 ? v / total : v)));
    } else if (interpolation === 'bicubic') {
      const a = -0.75;
      const real = scale * (o + 0.5) - 0.5;
      const i0 = Math.floor(real);
      const t = real - i0;
      const coeffs = [cubic2(t + 1, a), cubic1(t, a), cubic1(1 - t, a), cubic2(2 - t, a)];
      // Clamped taps: fold them onto [0, n-1] by expanding into a dense row.
      const dense = new Array<number>(n).fill(0);
      coeffs.forEach((c, k) => { dense[Math.min(Math.max(i0 - 1 + k, 0), n - 1)]! += c; });
      start.push(0);
      weights.push(dense);
    } else {
      const real = Math.max(scale * (o + 0.5) - 0.5, 0);
      const i0 = Math.floor(real);
      const lambda1 = real - i0;
      if (i0 < n - 1) {
        start.push(i0);
        weights.push([1 - lambda1, lambda1]);
      } else {
        start.push(i0);
        weights.push([1]);
      }
    }
  }
  return { start, weights };
}

/**
 * Resizes a grid [h, w, channels] (row-major Float32Array) to [newH, newW, channels], separably
 * (width first, then height, as PyTorch's CPU kernels).
 */
export function resizeGrid(values: Float32Array, [h, w]: [number, number], [nh, nw]: [number, number], channels: number,
  { interpolation, antialias = false }: { interpolation: Interpolation; antialias?: boolean }): Float32Array {
  if (values.length !== h * w * channels) throw new Error(`resizeGrid: ${values.length} values do not form a ${h}x${w}x${channels} grid`);
  const tw = resizeTaps(w, nw, interpolation, antialias);
  const th = resizeTaps(h, nh, interpolation, antialias);
  const mid = new Float64Array(h * nw * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < nw; x++) {
      const s = tw.start[x]!;
      const ws = tw.weights[x]!;
      const out = (y * nw + x) * channels;
      for (let k = 0; k < ws.length; k++) {
        const wk = ws[k]!;
        if (wk === 0) continue;
        const inp = (y * w + s + k) * channels;
        for (let c = 0; c < channels; c++) mid[out + c]! += wk * values[inp + c]!;
      }
    }
  }
  const result = new Float64Array(nh * nw * channels);
  for (let y = 0; y < nh; y++) {
    const s = th.start[y]!;
    const ws = th.weights[y]!;
    for (let k = 0; k < ws.length; k++) {
      const wk = ws[k]!;
      if (wk === 0) continue;
      const row = (s + k) * nw * channels;
      const out = y * nw * channels;
      for (let i = 0; i < nw * channels; i++) result[out + i]! += wk * mid[row + i]!;
    }
  }
  return Float32Array.from(result);
}

export interface ResamplePosEmbedOptions {
  /** The table's grid; default: square, from the number of rows after the prefix. */
  oldSize?: [number, number];
  /** Leading rows kept as they are (class / distillation tokens). */
  numPrefixTokens?: number;
  interpolation?: Interpolation;
  antialias?: boolean;
}

/**
 * timm's `resample_abs_pos_embed` on a (1, prefix + h·w, D) table given as a row-major Float32Array:
 * returns the (1, prefix + newH·newW, D) table. Default: bicubic with antialias, as timm.
 */
export function resampleAbsPosEmbed(values: Float32Array, shape: readonly number[], newSize: [number, number],
  { oldSize, numPrefixTokens = 1, interpolation = 'bicubic', antialias = true }: ResamplePosEmbedOptions = {}): { values: Float32Array; shape: number[] } {
  if (shape.length !== 3 || shape[0] !== 1) throw new Error(`resampleAbsPosEmbed: expected a (1, tokens, dim) table, got (${shape.join(', ')})`);
  const [, rows, dim] = shape as [number, number, number];
  const gridRows = rows - numPrefixTokens;
  const [oh, ow] = oldSize ?? [Math.floor(Math.sqrt(gridRows)), Math.floor(Math.sqrt(gridRows))];
  if (gridRows < 0 || oh * ow !== gridRows) {
    throw new Error(`resampleAbsPosEmbed: ${rows} rows minus ${numPrefixTokens} prefix token(s) do not form a ${oh}x${ow} grid`);
  }
  const [nh, nw] = newSize;
  if (nh === oh && nw === ow) return { values: Float32Array.from(values), shape: [...shape] };
  const prefix = values.subarray(0, numPrefixTokens * dim);
  const grid = resizeGrid(values.subarray(numPrefixTokens * dim), [oh, ow], [nh, nw], dim, { interpolation, antialias });
  const out = new Float32Array(prefix.length + grid.length);
  out.set(prefix);
  out.set(grid, prefix.length);
  return { values: out, shape: [1, numPrefixTokens + nh * nw, dim] };
}
