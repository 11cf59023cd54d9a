/**
 * Pure shape arithmetic for rank-safe kernels: merging axes that stay adjacent, dropping length-1
 * axes, and splitting a permutation or a broadcast that still needs more than MAX_RANK dimensions
 * into passes that each fit. No tensors here.
 */

/** WebGPU refuses rank > 6 and WASM computes garbage in some rank-7 ops: no kernel sees more. */
export const MAX_RANK = 6;

export function product(values: readonly number[]): number {
  let p = 1;
  for (const v of values) p *= v;
  return p;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A permutation of merged axes: `shape` is the merged input shape, `perm` permutes it. */
export interface MergedPermutation {
  readonly shape: number[];
  readonly perm: number[];
}

/**
 * Drops length-1 axes and merges runs of input axes that stay adjacent and in order in the output.
 * The result describes the same data movement with the fewest axes.
 */
export function mergePermutation(shape: readonly number[], perm: readonly number[]): MergedPermutation {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Runs of output positions whose input axes are consecutive (ignoring dropped length-1 axes).
  const liveIndex = new Map<number, number>();
  shape.forEach((len, axis) => {
    if (len !== 1) liveIndex.set(axis, liveIndex.size);
  });
  const runs: number[][] = [];
  for (const axis of kept) {
    const last = runs[runs.length - 1];
    if (last !== undefined && liveIndex.get(last[last.length - 1]!)! + 1 === liveIndex.get(axis)!) last.push(axis);
    else runs.push([axis]);
  }
  // Runs, numbered in input order, give the merged input shape; their output order is the perm.
  const byInput = runs.map((run, outPos) => ({ first: run[0]!, length: product(run.map((a) => shape[a]!)), outPos }))
    .sort((a, b) => a.first - b.first);
  const mergedShape = byInput.map((r) => r.length);
  const inputPosOfRun = new Map(byInput.map((r, inPos) => [r.outPos, inPos]));
  return { shape: mergedShape, perm: runs.map((_, outPos) => inputPosOfRun.get(outPos)!) };
}

export function isIdentity(perm: readonly number[]): boolean {
  return perm.every((axis, i) => axis === i);
}

/**
 * Splits a merged permutation of more than MAX_RANK axes into passes of at most MAX_RANK axes.
 * Each pass brings the next output axes to the front of the axes not yet placed, in as large steps
 * as the rank limit allows. Returns the (shape, perm) of each pass on the data as it is then.
 */
export function splitPermutation(shape: readonly number[], perm: readonly number[]): MergedPermutation[] {
  const passes: MergedPermutation[] = [];
  let order = shape.map((_, i) => i); // current layout, as original axis ids
  let placed = 0;
  while (placed < perm.length && !sameShape(order, perm)) {
    let best: { pass: MergedPermutation; next: number[]; k: number } | undefined;
    for (let k = 1; placed + k <= perm.length; k++) {
      const front = perm.slice(0, placed + k);
      const next = [...front, ...order.filter((axis) => !front.includes(axis))];
      const pass = mergePermutation(order.map((a) => shape[a]!), next.map((a) => order.indexOf(a)));
      if (pass.shape.length > MAX_RANK && k > 1) break;
      best = { pass, next, k };
    }
    passes.push(best!.pass);
    order = best!.next;
    placed += best!.k;
  }
  return passes;
}

/**
 * A broadcast that inserts new axes: `from` has 1 where `to` has an added axis, equal lengths elsewhere.
 * Merges adjacent axes of the same kind and drops axes of length 1 in `to`.
 */
export function mergeBroadcast(from: readonly number[], to: readonly number[]): { from: number[]; to: number[] } {
  const mergedFrom: number[] = [];
  const mergedTo: number[] = [];
  let lastKind: 'kept' | 'added' | undefined;
  for (let i = 0; i < to.length; i++) {
    if (to[i] === 1) continue;
    const kind = from[i] === to[i] ? 'kept' : 'added';
    if (kind === lastKind) {
      mergedFrom[mergedFrom.length - 1]! *= from[i]!;
      mergedTo[mergedTo.length - 1]! *= to[i]!;
    } else {
      mergedFrom.push(from[i]!);
      mergedTo.push(to[i]!);
    }
    lastKind = kind;
  }
  return { from: mergedFrom, to: mergedTo };
}

/**
 * Splits a merged broadcast of more than MAX_RANK axes into passes, from the right: each pass
 * broadcasts a window of axes while everything to its left (not broadcast yet) and to its right
 * (already broadcast) is merged into one axis each.
 */
export function splitBroadcast(from: readonly number[], to: readonly number[]): Array<{ from: number[]; to: number[] }> {
  if (from.length <= MAX_RANK) return [{ from: [...from], to: [...to] }];
  const passes: Array<{ from: number[]; to: number[] }> = [];
  const window = MAX_RANK - 2;
  let end = to.length; // axes [end, length) are already broadcast
  while (end > 0) {
    const start = Math.max(0, end - window);
    const prefix = product(from.slice(0, start));
    const suffix = product(to.slice(end));
    const passFrom = [prefix, ...from.slice(start, end), suffix];
    const passTo = [prefix, ...to.slice(start, end), suffix];
    passes.push(mergeBroadcast(passFrom, passTo));
    end = start;
  }
  return passes;
}
