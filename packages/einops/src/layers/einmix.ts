/**
 * EinMix: a linear layer written as an einsum with a managed weight (and bias), plus rearranges
 * for composed axes. `new EinMix('t b cin -> t b cout', 'cin cout', 'cout', {cin: 10, cout: 20})`.
 * Semantics and initialisation as einops' EinMix (uniform, bound sqrt(3 / fan_in) for the weight
 * and sqrt(1 / fan_in) for the bias, fan_in = product of weight axes absent from the output).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError, show } from '../errors.js';
import { product } from '../lowering/layout.js';
import { einsum } from '../ops/einsum.js';
import { requireAxesLengths, type AxesLengths } from '../ops/inputs.js';
import { rearrange } from '../ops/rearrange.js';
import { ELLIPSIS, type Axis, type Expression } from '../parsing/expression.js';
import { parseArrowPattern, parseSinglePattern } from '../parsing/patterns.js';
import type { EinopsLayer } from './layer.js';
import { describeLengths } from './rearrange-layer.js';
import type { EinMixArg, EinMixInput, EinMixResult } from '../typed/checks.js';

export interface EinMixOptions {
  /** Seed for the weight and bias initialisation. */
  readonly seed?: number;
}

export class EinMix<P extends string = string, W extends string = string, B extends string | null = null, L extends AxesLengths = {}>
implements EinopsLayer {
  /** Types only (see Rearrange). */
  declare private readonly layerKind: 'EinMix';
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;
  readonly axesLengths: AxesLengths;
  private readonly einsumPattern: string;
  private readonly preRearrange: { pattern: string; lengths: AxesLengths } | undefined;
  private readonly postPattern: string | undefined;

  /**
   * Literal patterns, weight and bias shapes are checked together with the names of the lengths,
   * as the constructor checks them at run time; `forward` then checks the input's rank.
   */
  constructor(pattern: EinMixArg<'pattern', P, W, B, L, P>, weightShape: EinMixArg<'weight', P, W, B, L, W>,
    biasShape?: EinMixArg<'bias', P, W, B, L, B>, axesLengths?: L, options?: EinMixOptions);
  constructor(readonly pattern: string, readonly weightShape: string, readonly biasShape: string | null = null,
    axesLengths: AxesLengths = {}, options: EinMixOptions = {}) {
    this.axesLengths = { ...requireAxesLengths(axesLengths) };
    const lengths = this.axesLengths;
    if (typeof pattern !== 'string' || typeof weightShape !== 'string') throw new EinopsError('EinMix pattern and weight shape must be strings');
    const [left, right] = parseArrowPattern(pattern);
    const weight = parseSinglePattern(weightShape, {});
    const report = (axes: Set<Axis>, message: string): void => {
      if (axes.size > 0) throw new EinopsError(message.replace('{}', show([...axes].map(String))));
    };
    report(minus(right.identifiers, left.identifiers, weight.identifiers), 'Unrecognized identifiers on the right side of EinMix {}');
    if (weight.hasEllipsis) throw new EinopsError('Ellipsis is not supported in weight, as its shape should be fully specified');
    if (left.hasEllipsis !== right.hasEllipsis) throw new EinopsError(`Ellipsis in EinMix should be on both sides, ${pattern}`);
    if (left.ellipsisParenthesized) throw new EinopsError(`Ellipsis on left side can't be in parenthesis, got ${pattern}`);
    if ([left, right, weight].some((e) => e.hasNonUnitaryAnonymousAxes)) throw new EinopsError('Anonymous axes (numbers) are not allowed in EinMix');
    if (weightShape.includes('(') || weightShape.includes(')')) throw new EinopsError(`Parenthesis is not allowed in weight shape: ${weightShape}`);

    const [leftSide, rightSide] = pattern.split('->') as [string, string];
    const leftFlat = flatNames(left);
    if (left.composition.some((g) => g === ELLIPSIS ? false : g.length !== 1)) {
      const names = new Set(leftFlat);
      this.preRearrange = {
        pattern: `${leftSide}-> ${leftFlat.join(' ')}`,
        lengths: Object.fromEntries(Object.entries(lengths).filter(([name]) => names.has(name))),
      };
    }
    const rightFlat = flatNames(right);
    if (right.composition.some((g) => g === ELLIPSIS ? false : g.length !== 1) || right.ellipsisParenthesized) {
      this.postPattern = `${rightFlat.join(' ')} ->${rightSide}`;
    }

    for (const axis of weight.identifiers) {
      if (!(String(axis) in lengths)) throw new EinopsError(`Dimension ${String(axis)} of weight should be specified`);
    }
    report(minus(new Set(Object.keys(lengths)), left.identifiers, weight.identifiers), 'Axes {} are not used in pattern');
    report(minus(weight.identifiers, left.identifiers, right.identifiers), 'Weight axes {} are redundant');
    const weightAxes = weight.composition.map((g) => String((g as Axis[])[0]));
    const weightDims = weightAxes.map((a) => lengths[a]!);
    const fanIn = product(weightAxes.filter((a) => !right.identifiers.has(a)).map((a) => lengths[a]!));

    let biasDims: number[] | undefined;
    if (biasShape !== null && biasShape !== undefined) {
      if (typeof biasShape !== 'string') throw new EinopsError('bias shape should be string specifying which axes bias depends on');
      const bias = parseSinglePattern(biasShape, {});
      report(minus(bias.identifiers, right.identifiers), 'Bias axes {} not present in output');
      report(minus(bias.identifiers, new Set(Object.keys(lengths))), 'Sizes not provided for bias axes {}');
      biasDims = [];
      let usedNonTrivial = false;
      for (const group of right.composition) {
        for (const axis of group === ELLIPSIS ? [ELLIPSIS] : group) {
          if (axis === ELLIPSIS) {
            if (usedNonTrivial) throw new EinopsError('all bias dimensions should go after ellipsis in the output');
          } else if (bias.identifiers.has(axis)) {
            biasDims.push(lengths[String(axis)]!);
            usedNonTrivial = true;
          } else {
            biasDims.push(1);
          }
        }
      }
    }

    const seed = options.seed;
    const weightBound = Math.sqrt(3 / fanIn);
    const biasBound = Math.sqrt(1 / fanIn);
    this.weight = uniformVariable(weightDims, weightBound, seed);
    this.bias = biasDims === undefined ? undefined : uniformVariable(biasDims, biasBound, seed === undefined ? undefined : seed + 1);
    this.einsumPattern = `${leftFlat.join(' ')}, ${weightAxes.join(' ')} -> ${rightFlat.join(' ')}`;
  }

  // Typed through `this` (see Rearrange.forward).
  forward<X extends tf.Tensor, P_ extends string, W_ extends string, B_ extends string | null, L_>(
    this: EinMix<P_, W_, B_, L_ & AxesLengths>, x: EinMixInput<P_, W_, B_, L_, X>): EinMixResult<P_, W_, B_, L_, X>;
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let t = this.preRearrange === undefined ? x : rearrange(x, this.preRearrange.pattern, this.preRearrange.lengths);
      t = einsum(t, this.weight, this.einsumPattern);
      if (this.bias !== undefined) t = tf.add(t, this.bias);
      return this.postPattern === undefined ? t : rearrange(t, this.postPattern);
    });
  }

  namedParameters(): Record<string, tf.Variable> {
    return this.bias === undefined ? { weight: this.weight } : { weight: this.weight, bias: this.bias };
  }

  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }

  toString(): string {
    const bias = this.biasShape === null ? '' : `, ${JSON.stringify(this.biasShape)}`;
    return `EinMix(${JSON.stringify(this.pattern)}, ${JSON.stringify(this.weightShape)}${bias}${describeLengths(this.axesLengths)})`;
  }
}

function uniformVariable(shape: number[], bound: number, seed: number | undefined): tf.Variable {
  const init = tf.randomUniform(shape, -bound, bound, 'float32', seed);
  const variable = tf.variable(init);
  init.dispose();
  return variable;
}

function minus(a: ReadonlySet<Axis>, ...others: ReadonlySet<Axis>[]): Set<Axis> {
  return new Set([...a].filter((x) => others.every((o) => !o.has(x))));
}

/** The side's elementary axes in order, with `...` kept: `b (h w) ...` -> `b h w ...`. */
function flatNames(expr: Expression): string[] {
  return expr.composition.flatMap((g) => (g === ELLIPSIS ? ['...'] : g.map((a) => (a === ELLIPSIS ? '...' : String(a)))));
}
