/**
 * einsum lowered to permute / reshape / multiply / sum / matMul, with numpy's semantics
 * (repeated indices take diagonals, `...` broadcasts, size-1 axes broadcast across operands).
 *
 * The recipe depends on the pattern only; the plan on the operand shapes. A plan is a list of
 * steps over numbered registers (one per operand, one per intermediate), all shapes precomputed.
 */
import { EinopsError } from '../errors.js';
import { AnonymousAxis, ELLIPSIS, type Expression } from '../parsing/expression.js';
import { parseEinsumPattern } from '../parsing/patterns.js';
import type { MatMulLayout } from './batched-matmul.js';
import { planPermutation, type PermutationProgram } from './kernels.js';
import { product } from './layout.js';
import { BoundedCache } from './cache.js';

/** One side of an einsum: axis labels, with the ellipsis at `ellipsisAt` (or -1). */
interface Term {
  readonly labels: readonly string[];
  readonly ellipsisAt: number;
}

export interface EinsumRecipe {
  readonly operands: readonly Term[];
  readonly output: Term;
  readonly plans: BoundedCache<string, EinsumPlan>;
}

export type EinsumStep =
  /** Keep the diagonal of two axes of equal length: `[rest, n, n] -> [rest, n]` after a permutation. */
  | { readonly kind: 'diagonal'; readonly reg: number; readonly program: PermutationProgram; readonly rest: number; readonly n: number }
  /** Sum out axes: permute to `[kept, summed]`, reduce the second. */
  | { readonly kind: 'sum'; readonly reg: number; readonly program: PermutationProgram; readonly kept: number; readonly summed: number }
  /**
   * Contract two registers into a new one: `[B, M, K] x [B, K, N] -> [B, M, N]` with a matMul, or,
   * when K = 1 or for int32, a broadcast product `[B, M, 1, K] * [B, 1, N, K]` summed over K.
   */
  | {
    readonly kind: 'contract'; readonly a: number; readonly b: number; readonly out: number;
    readonly programA: PermutationProgram; readonly programB: PermutationProgram; readonly byProduct: boolean;
    readonly batch: number; readonly m: number; readonly k: number; readonly n: number;
    /** The matMul reads `a` as [B, K, M] / `b` as [B, N, K]: the layout the data already has. */
    readonly transposeA: boolean; readonly transposeB: boolean;
  }
  /** Put the last register's axes in output order and give it the output shape. */
  | { readonly kind: 'output'; readonly reg: number; readonly program: PermutationProgram; readonly outputShape: readonly number[] };

export interface EinsumPlan {
  readonly steps: readonly EinsumStep[];
  readonly outputShape: readonly number[];
  /** Some axis has length 0: the result is all zeros. */
  readonly empty: boolean;
}

const recipes = new BoundedCache<string, EinsumRecipe>(256);

export function getEinsumRecipe(pattern: string): EinsumRecipe {
  let recipe = recipes.get(pattern);
  if (recipe === undefined) {
    const [lefts, right] = parseEinsumPattern(pattern);
    recipe = { operands: lefts.map((e) => toTerm(e, pattern, false)), output: toTerm(right, pattern, true), plans: new BoundedCache(64) };
    const known = new Set(recipe.operands.flatMap((t) => t.labels));
    for (const label of recipe.output.labels) {
      if (!known.has(label)) throw new EinopsError(`Unknown axis ${label} on right side of einsum ${pattern}.`);
    }
    recipes.set(pattern, recipe);
  }
  return recipe;
}

function toTerm(expr: Expression, pattern: string, isOutput: boolean): Term {
  const labels: string[] = [];
  let ellipsisAt = -1;
  for (const group of expr.composition) {
    if (group === ELLIPSIS) {
      ellipsisAt = labels.length;
      continue;
    }
    if (group.length === 0) throw new EinopsError('Singleton () axes are not yet supported in einsum.');
    if (group.length > 1) throw new EinopsError('Shape rearrangement is not yet supported in einsum.');
    const axis = group[0]!;
    if (axis instanceof AnonymousAxis) throw new EinopsError('Anonymous axes are not yet supported in einsum.');
    if (isOutput && labels.includes(axis)) {
      throw new EinopsError(`einsum output subscript '${axis}' appears more than once in ${pattern}`);
    }
    labels.push(axis); // `(...)` lands here as an axis named by the ellipsis marker, as in einops
  }
  return { labels, ellipsisAt };
}

const ellipsisLabel = (i: number): string => `${ELLIPSIS}#${i}`;

/**
 * `exactInt`: integers are computed in int32 without matMul (see the contract step).
 * `layout`: which matMul operand layouts the backend wants (see preferredMatMulLayout).
 */
export function getEinsumPlan(recipe: EinsumRecipe, shapes: readonly (readonly number[])[], exactInt: boolean, layout: MatMulLayout = 'plain'): EinsumPlan {
  let key = `${exactInt ? 'i' : 'f'}${layout}`;
  for (const shape of shapes) key += `;${shape.join(',')}`;
  let plan = recipe.plans.get(key);
  if (plan === undefined) {
    plan = buildPlan(recipe, shapes, exactInt, layout);
    recipe.plans.set(key, plan);
  }
  return plan;
}

interface Operand {
  reg: number;
  labels: string[];
  /** Lengths of the labelled axes. */
  shape: number[];
  /** The shape the register's tensor actually has when the next step runs. */
  actual: number[];
}

function buildPlan(recipe: EinsumRecipe, shapes: readonly (readonly number[])[], exactInt: boolean, layout: MatMulLayout): EinsumPlan {
  if (shapes.length !== recipe.operands.length) {
    throw new EinopsError(`einsum pattern has ${recipe.operands.length} operand(s) but ${shapes.length} tensor(s) were given`);
  }
  // Expand each operand's ellipsis into right-aligned broadcast labels.
  const ellipsisRanks = recipe.operands.map((term, i) => {
    const extra = shapes[i]!.length - term.labels.length;
    if (term.ellipsisAt < 0 && extra !== 0) {
      throw new EinopsError(`einsum operand #${i} has ${shapes[i]!.length} dims, but its subscripts name ${term.labels.length} and it has no '...'`);
    }
    if (extra < 0) throw new EinopsError(`einsum operand #${i} has ${shapes[i]!.length} dims, fewer than its ${term.labels.length} subscripts`);
    return extra;
  });
  const ellipsisRank = Math.max(0, ...ellipsisRanks);
  const expand = (term: Term, rank: number): string[] => term.ellipsisAt < 0 ? [...term.labels] : [
    ...term.labels.slice(0, term.ellipsisAt),
    ...Array.from({ length: rank }, (_, j) => ellipsisLabel(ellipsisRank - rank + j)),
    ...term.labels.slice(term.ellipsisAt),
  ];
  const operandLabels = recipe.operands.map((term, i) => expand(term, ellipsisRanks[i]!));
  if (ellipsisRank > 0 && recipe.output.ellipsisAt < 0) {
    throw new EinopsError("einsum output has no '...', but the inputs' ellipsis covers dimensions: add '...' to the output");
  }
  const outputLabels = expand(recipe.output, ellipsisRank);

  // Each label's length: equal within an operand; across operands 1 broadcasts.
  const size = new Map<string, number>();
  operandLabels.forEach((labels, i) => {
    const own = new Map<string, number>();
    labels.forEach((label, d) => {
      const len = shapes[i]![d]!;
      const seen = own.get(label);
      if (seen !== undefined && seen !== len) {
        throw new EinopsError(`einsum operand #${i}: dimensions for repeated index '${label.replace(ELLIPSIS, '...')}' don't match (${seen} != ${len})`);
      }
      own.set(label, len);
      const global = size.get(label);
      if (global === undefined || global === 1) size.set(label, len);
      else if (len !== 1 && len !== global) {
        throw new EinopsError(`einsum operands could not be broadcast together: index '${label.replace(ELLIPSIS, '...')}' has lengths ${global} and ${len}`);
      }
    });
  });
  const outputShape = outputLabels.map((l) => size.get(l)!);
  if ([...size.values()].includes(0)) return { steps: [], outputShape, empty: true };

  const steps: EinsumStep[] = [];
  let nextReg = shapes.length;
  const operands: Operand[] = operandLabels.map((labels, i) => ({ reg: i, labels: [...labels], shape: [...shapes[i]!], actual: [...shapes[i]!] }));
  const needed = (label: string, except: Operand[]): boolean =>
    outputLabels.includes(label) || operands.some((o) => !except.includes(o) && o.labels.includes(label));

  for (const op of operands) {
    takeDiagonals(op, steps);
    // Length-1 axes carry no data: drop them (they reappear in the output shape).
    const keep = op.labels.map((l, d) => op.shape[d] !== 1);
    op.labels = op.labels.filter((_, d) => keep[d]);
    op.shape = op.shape.filter((_, d) => keep[d]);
  }
  for (const op of operands) sumOut(op, op.labels.filter((l) => !needed(l, [op])), steps);

  while (operands.length > 1) {
    const [i, j] = choosePair(operands, needed);
    const a = operands[i]!;
    const b = operands[j]!;
    const others = [a, b];
    const shared = a.labels.filter((l) => b.labels.includes(l));
    const batch = shared.filter((l) => needed(l, others));
    const contracted = shared.filter((l) => !batch.includes(l));
    const aOnly = a.labels.filter((l) => !shared.includes(l));
    const bOnly = b.labels.filter((l) => !shared.includes(l));
    const len = (l: string): number => size.get(l)!;
    const [bt, m, k, n] = [batch, aOnly, contracted, bOnly].map((ls) => product(ls.map(len))) as [number, number, number, number];
    const byProduct = k === 1 || exactInt;
    const out: Operand = {
      reg: nextReg++, labels: [...batch, ...aOnly, ...bOnly], shape: [...batch, ...aOnly, ...bOnly].map(len),
      actual: byProduct ? (k === 1 ? [bt, m, n, 1] : [bt, m, n]) : bt === 1 ? [m, n] : [bt, m, n],
    };
    const program = (op: Operand, order: string[]): PermutationProgram => planPermutation(op.actual, op.shape, order.map((l) => op.labels.indexOf(l)));
    let programA = program(a, [...batch, ...aOnly, ...contracted]);
    let programB = program(b, byProduct ? [...batch, ...bOnly, ...contracted] : [...batch, ...contracted, ...bOnly]);
    let transposeA = false;
    let transposeB = false;
    if (!byProduct && layout !== 'plain') {
      // matMul reads either layout of each operand: take the one that moves no data.
      const aTransposed = program(a, [...batch, ...contracted, ...aOnly]);
      if (programA.kind !== 'none' && aTransposed.kind === 'none') [programA, transposeA] = [aTransposed, true];
      const bTransposed = program(b, [...batch, ...bOnly, ...contracted]);
      if (programB.kind !== 'none' && (bTransposed.kind === 'none' || layout === 'rowMajorB')) [programB, transposeB] = [bTransposed, true];
    }
    steps.push({ kind: 'contract', a: a.reg, b: b.reg, out: out.reg, byProduct, batch: bt, m, k, n, programA, programB, transposeA, transposeB });
    operands.splice(j, 1);
    operands.splice(i, 1, out);
  }

  const last = operands[0]!;
  sumOut(last, last.labels.filter((l) => !outputLabels.includes(l)), steps);
  const present = outputLabels.filter((l) => last.labels.includes(l));
  steps.push({ kind: 'output', reg: last.reg, program: planPermutation(last.actual, last.shape, present.map((l) => last.labels.indexOf(l))), outputShape });
  return { steps, outputShape, empty: false };
}

/** Replaces every repeated label of `op` by its diagonal, one pair of axes at a time. */
function takeDiagonals(op: Operand, steps: EinsumStep[]): void {
  for (;;) {
    const d1 = op.labels.findIndex((l, d) => op.labels.indexOf(l) !== d);
    if (d1 < 0) return;
    const d0 = op.labels.indexOf(op.labels[d1]!);
    const restDims = op.labels.map((_, d) => d).filter((d) => d !== d0 && d !== d1);
    const n = op.shape[d0]!;
    const rest = product(restDims.map((d) => op.shape[d]!));
    steps.push({ kind: 'diagonal', reg: op.reg, program: planPermutation(op.actual, op.shape, [...restDims, d0, d1]), rest, n });
    op.labels = [...restDims.map((d) => op.labels[d]!), op.labels[d0]!];
    op.shape = [...restDims.map((d) => op.shape[d]!), n];
    op.actual = [rest, n];
  }
}

function sumOut(op: Operand, labels: readonly string[], steps: EinsumStep[]): void {
  if (labels.length === 0) return;
  const keptDims = op.labels.map((_, d) => d).filter((d) => !labels.includes(op.labels[d]!));
  const summedDims = op.labels.map((_, d) => d).filter((d) => labels.includes(op.labels[d]!));
  const kept = product(keptDims.map((d) => op.shape[d]!));
  steps.push({
    kind: 'sum', reg: op.reg, program: planPermutation(op.actual, op.shape, [...keptDims, ...summedDims]),
    kept, summed: product(summedDims.map((d) => op.shape[d]!)),
  });
  op.labels = keptDims.map((d) => op.labels[d]!);
  op.shape = keptDims.map((d) => op.shape[d]!);
  op.actual = [kept];
}

/** Greedy contraction order: the pair whose result is smallest (then the pair that comes first). */
function choosePair(operands: readonly Operand[], needed: (label: string, except: Operand[]) => boolean): [number, number] {
  let best: [number, number] = [0, 1];
  let bestSize = Infinity;
  for (let i = 0; i < operands.length; i++) {
    for (let j = i + 1; j < operands.length; j++) {
      const a = operands[i]!;
      const b = operands[j]!;
      const sizes = new Map<string, number>();
      a.labels.forEach((l, d) => sizes.set(l, a.shape[d]!));
      b.labels.forEach((l, d) => sizes.set(l, b.shape[d]!));
      const resultLabels = [...sizes.keys()].filter((l) => !(a.labels.includes(l) && b.labels.includes(l)) || needed(l, [a, b]));
      const resultSize = product(resultLabels.map((l) => sizes.get(l)!));
      if (resultSize < bestSize) {
        bestSize = resultSize;
        best = [i, j];
      }
    }
  }
  return best;
}
