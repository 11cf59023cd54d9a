/**
 * Compile-time einops: each operation's rules (lowering/recipe.ts, lowering/einsum-plan.ts,
 * ops/pack.ts, ops/parse-shape.ts, layers/einmix.ts) applied to a literal pattern, the input ranks
 * and the names of the given lengths, and the output rank that follows.
 *
 * Every check resolves to an `einops: ...` message type when the call is invalid; the public
 * `...Pattern` types make that the parameter type of the pattern, so that the editor reports
 * `Argument of type '"a b -> a d"' is not assignable to parameter of type '"einops: ..."'`.
 * A pattern typed `string`, an unknown rank (`number`) or lengths typed `Record<string, number>`
 * skip the checks that need them; the run-time checks stay in place for all of them.
 *
 * Sets of axes are unions (`Exclude` is cheap for the checker); a union of names in a message
 * gives one message per name.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { OneOf, PackScan, ParsePattern, SideInfo, SideRuleError } from './parse.js';
import type { Counter, RankOf, TensorOfRank } from './rank.js';

type DropOne<T extends readonly 0[]> = T extends readonly [0, ...infer R extends 0[]] ? R : [];
type Plural<N, One extends string, Many extends string = `${One}s`> = N extends 1 ? `1 ${One}` : `${N & number} ${Many}`;
/** `'a', 'b'` for a union of names. */
type Listed<U, Acc extends string = ''> =
  [U] extends [never] ? Acc : OneOf<U> extends infer H extends string ? Listed<Exclude<U, H>, Acc extends '' ? `'${H}'` : `'${H}', ${Acc}`> : Acc;
/** Does the union have two members or more? */
type IsMany<U, All = U> = [U] extends [never] ? false : U extends unknown ? ([All] extends [U] ? false : true) : false;
/** A top-level ellipsis (one that stands for whole dimensions). */
type TopEllipsis<S extends SideInfo> = S['ellParen'] extends true ? false : S['ell'];

/**
 * The names of the lengths given in `axesLengths` as a union of string literals; `string` when
 * they are not known (a `Record<string, number>`), never when none are given.
 */
export type LengthNames<L> =
  [L] extends [never] ? string : unknown extends L ? string : string extends keyof L ? string
    : keyof L extends infer KL ? KL extends string | number ? `${KL}` : never : never;

/**
 * A pattern the checker cannot read: `string`, or a template literal type such as
 * `${string} -> b`. Such patterns are checked at run time only, as before.
 */
type Unreadable<P extends string> = string extends P ? true : {} extends Record<P, 1> ? true : false;
/**
 * The check's verdict as a parameter type: the argument's own type (`Arg`, where TypeScript infers
 * the pattern's literal type from), or the error message (behind NoInfer). A union of patterns
 * fails when any of them does.
 */
type Verdict<I, Arg> = [Extract<I, string>] extends [never] ? Arg : NoInfer<Extract<I, string>>;
/**
 * The same for a layer's input tensor: an error keeps the tensor type too (`X & message`), so that
 * the layer's `forward` stays assignable to `EinopsLayer.forward(x: tf.Tensor)`.
 */
type InputVerdict<I, X> = [Extract<I, string>] extends [never] ? X : X & NoInfer<Extract<I, string>>;
/** The tensor type for a check's `{out: rank}`. */
type ResultOf<I> = I extends { readonly out: infer N extends number } ? TensorOfRank<N> : tf.Tensor;

// ---------------------------------------------------------------------------------------------
// Shared by rearrange / reduce / repeat, their layers and EinMix.

/** Both sides of a `left -> right` pattern, checked (no `_`, no repeated names), or an error. */
type ArrowPattern<P extends string, What extends string> =
  ParsePattern<P> extends infer Parsed
    ? Parsed extends string ? Parsed
      : Parsed extends [[infer L extends SideInfo], [infer R extends SideInfo]]
        ? SideRuleError<L, false, false> extends infer E
          ? [E] extends [never] ? SideRuleError<R, false, false> extends infer E2 ? [E2] extends [never] ? [L, R] : E2 : never : E
          : never
        : Parsed extends SideInfo[][]
          ? Parsed[number]['length'] extends 1 ? `einops: a ${What} pattern must contain exactly one '->'`
            : `einops: ',' is not allowed in a ${What} pattern`
          : never
    : never;

/** The single side of a pattern with no arrow and no comma, checked, or an error. */
type SinglePattern<P extends string, U extends boolean, What extends string> =
  ParsePattern<P> extends infer Parsed
    ? Parsed extends string ? Parsed
      : Parsed extends [[infer S extends SideInfo]]
        ? SideRuleError<S, U, false> extends infer E ? [E] extends [never] ? S : E : never
        : Parsed extends [unknown] ? `einops: ',' is not allowed in ${What}` : `einops: '->' is not allowed in ${What}`
    : never;

/** einops infers at most one unknown length per input dimension (a group's names less the given ones). */
type Uninferable<Groups, K> =
  string extends K ? never
    : Groups extends [infer G extends string]
      ? IsMany<Exclude<G, K>> extends true
        ? `einops: cannot infer the lengths of ${Listed<Exclude<G, K>>} from one input dimension: give all but one of them in axesLengths`
        : never
      : never;

/** The input rank against a side (the left side of the pattern). */
type RankError<L extends SideInfo, N, What extends string = 'the left side of the pattern'> =
  number extends N ? never
    : N extends number
      ? TopEllipsis<L> extends true
        ? [0, ...Counter<N>] extends [...L['dims'], ...0[]] ? never
          : `einops: the input has rank ${N}, but ${What} needs at least ${Plural<DropOne<L['dims']>['length'], 'dimension'>} besides '...'`
        : L['dims']['length'] extends N ? never
          : `einops: ${What} has ${Plural<L['dims']['length'], 'dimension'>}, but the input has rank ${N}`
      : never;

/** Output rank: the right side's dimensions, with a top-level ellipsis standing for what the left's covers. */
type OutRank<L extends SideInfo, R extends SideInfo, N> =
  TopEllipsis<R> extends true
    ? number extends N ? number
      : N extends number
        ? Counter<N> extends [...DropOne<L['dims']>, ...infer E extends 0[]] ? [...DropOne<R['dims']>, ...E]['length'] : number
        : number
    : R['dims']['length'];

/** Lengths given for axes the pattern does not have (or with invalid names). */
type UnusedLengths<K, Used> =
  string extends K ? never
    : Exclude<K, Used> extends infer U extends string
      ? [U] extends [never] ? never : `einops: axes lengths are given for ${Listed<U>}, which the pattern does not use`
      : never;

// ---------------------------------------------------------------------------------------------
// rearrange, reduce, repeat (recipe.ts: checkSides, validateTransformPattern, prepareRecipe).

export type TransformOp = 'rearrange' | 'reduce' | 'repeat';

type OpError<Op extends TransformOp, L extends SideInfo, R extends SideInfo, K> =
  Op extends 'rearrange'
    ? [L['anon'] | R['anon']] extends [never]
      ? [Exclude<R['names'], L['names']>] extends [never]
        ? [Exclude<L['names'], R['names']>] extends [never]
          ? [L['ell'], R['ell']] extends [true, false] ? `einops: an ellipsis (...) is on the left of rearrange but not on the right` : never
          : `einops: axis '${Exclude<L['names'], R['names']> & string}' is on the left of rearrange but not on the right (use reduce to remove axes)`
        : `einops: axis '${Exclude<R['names'], L['names']> & string}' is on the right of rearrange but not on the left`
      : `einops: rearrange allows no anonymous axes (numbers) other than 1, got ${(L['anon'] | R['anon']) & string}`
    : Op extends 'reduce'
      ? [R['anon']] extends [never]
        ? [Exclude<R['names'], L['names']>] extends [never] ? never
          : `einops: axis '${Exclude<R['names'], L['names']> & string}' is on the right of reduce but not on the left`
        : `einops: anonymous axis ${R['anon'] & string} is on the right of reduce: reduce cannot create axes`
      : [L['anon']] extends [never]
        ? [Exclude<L['names'], R['names']>] extends [never]
          ? [L['ell'], R['ell']] extends [true, false] ? `einops: an ellipsis (...) is on the left of repeat but not on the right`
            : [Exclude<R['names'], L['names'] | K>] extends [never] ? never
              : `einops: axis '${Exclude<R['names'], L['names'] | K> & string}' is new on the right of repeat and needs a length: pass { ${Exclude<R['names'], L['names'] | K> & string}: <length> }`
          : `einops: axis '${Exclude<L['names'], R['names']> & string}' is on the left of repeat but not on the right`
        : `einops: anonymous axis ${L['anon'] & string} is on the left of repeat: a number is a new axis on each side, never the same one`;

/** checkSides' ellipsis rules. */
type EllipsisError<Op extends TransformOp, L extends SideInfo, R extends SideInfo> =
  [R['ell'], L['ell']] extends [true, false] ? `einops: an ellipsis (...) is on the right of ${Op} but not on the left`
    : L['ellParen'] extends true ? 'einops: an ellipsis (...) inside parentheses on the left side is not allowed' : never;

/** The first of the errors (in the run time's order), when the union of them all is not never. */
type FirstError<E extends readonly unknown[]> = E extends readonly [infer H, ...infer R] ? [H] extends [never] ? FirstError<R> : H : never;

/**
 * What rearrange / reduce / repeat make of `P` on an input of rank `N` with lengths named `K`:
 * `{out: rank}` or an error message. On the valid path every check runs once and their union is
 * tested; the ordered pick happens only for an invalid call.
 */
export type TransformInfo<Op extends TransformOp, P extends string, N, K> =
  Unreadable<P> extends true ? { out: number }
    : ParsePattern<P> extends infer Parsed
      ? Parsed extends [[infer L extends SideInfo], [infer R extends SideInfo]]
        ? SideRuleError<L | R, false, false> | EllipsisError<Op, L, R> | OpError<Op, L, R, K> | UnusedLengths<K, L['names'] | R['names']>
          | RankError<L, N> | Uninferable<L['groups'], K> extends infer E
          ? [E] extends [never] ? { out: OutRank<L, R, N> }
            : FirstError<[SideRuleError<L | R, false, false>, EllipsisError<Op, L, R>, OpError<Op, L, R, K>,
              UnusedLengths<K, L['names'] | R['names']>, RankError<L, N>, Uninferable<L['groups'], K>]>
          : never
        : Parsed extends string ? Parsed
          : Parsed extends SideInfo[][]
            ? Parsed[number]['length'] extends 1 ? `einops: a ${Op} pattern must contain exactly one '->'`
              : `einops: ',' is not allowed in a ${Op} pattern`
            : never
      : never;

/** The parameter type of `rearrange`'s pattern: `P` itself, or the error message. */
export type RearrangePattern<P extends string, X, L> = Verdict<TransformInfo<'rearrange', P, RankOf<X>, LengthNames<L>>, P>;
export type ReducePattern<P extends string, X, L> = Verdict<TransformInfo<'reduce', P, RankOf<X>, LengthNames<L>>, P>;
export type RepeatPattern<P extends string, X, L> = Verdict<TransformInfo<'repeat', P, RankOf<X>, LengthNames<L>>, P>;
/** rearrange(x, P)'s type: `tf.Tensor3D` etc. when the output rank is known, else `tf.Tensor`. */
export type RearrangeResult<P extends string, X, L = {}> = ResultOf<TransformInfo<'rearrange', P, RankOf<X>, LengthNames<L>>>;
export type ReduceResult<P extends string, X, L = {}> = ResultOf<TransformInfo<'reduce', P, RankOf<X>, LengthNames<L>>>;
export type RepeatResult<P extends string, X, L = {}> = ResultOf<TransformInfo<'repeat', P, RankOf<X>, LengthNames<L>>>;

/** Layers check their pattern without a rank, then the input's rank in `forward`. */
export type TransformLayerPattern<Op extends TransformOp, P extends string, L> = Verdict<TransformInfo<Op, P, number, LengthNames<L>>, P>;
export type TransformLayerInput<Op extends TransformOp, P extends string, L, X> = InputVerdict<TransformInfo<Op, P, RankOf<X>, LengthNames<L>>, X>;
export type TransformLayerResult<Op extends TransformOp, P extends string, L, X> = ResultOf<TransformInfo<Op, P, RankOf<X>, LengthNames<L>>>;

/** The reduction names of ops/transform.ts, with a readable error for another literal. */
export type ReductionNameArg<N extends string, Names extends string> =
  string extends N ? Names : N extends Names ? N
    : `einops: unknown reduction '${N}'; expected one of 'min', 'max', 'sum', 'mean', 'prod', 'any', 'all' or a function`;

// ---------------------------------------------------------------------------------------------
// einsum (patterns.ts: parseEinsumPattern; einsum-plan.ts: toTerm, getEinsumRecipe, buildPlan).

/** An einsum side's labels: its names, and `(...)` is a label too (as in einops). Distributes over sides. */
type EinsumLabels<S> = S extends SideInfo ? S['names'] | (S['ellParen'] extends true ? '...' : never) : never;
/** The number of labels: a top-level `...` is not one. */
type LabelCount<S extends SideInfo> = TopEllipsis<S> extends true ? DropOne<S['dims']> : S['dims'];

/** What toTerm rejects on any side (`S` a union of the sides). */
type EinsumSideError<S extends SideInfo> =
  [S['anon']] extends [never]
    ? true extends S['unit'] ? 'einops: unit axes (1 or ()) are not supported in einsum'
      : true extends S['composite'] ? 'einops: axis composition (parentheses) is not supported in einsum' : never
    : `einops: anonymous axes (numbers) are not supported in einsum, got ${S['anon'] & string}`;

/** The pattern alone: `[operands, output]` or an error. */
type EinsumPatternInfo<P extends string> =
  ParsePattern<P> extends infer Parsed
    ? Parsed extends string ? Parsed
      : Parsed extends [infer Ins extends SideInfo[], [infer O extends SideInfo]]
        ? EinsumSideError<Ins[number] | O> extends infer E
          ? [E] extends [never]
            ? [O['dupAny']] extends [never]
              ? [Exclude<EinsumLabels<O>, EinsumLabels<Ins[number]>>] extends [never] ? [Ins, O]
                : `einops: axis '${Exclude<EinsumLabels<O>, EinsumLabels<Ins[number]>> & string}' is on the right of einsum but in no operand`
              : `einops: axis '${O['dupAny'] & string}' appears more than once on the right of einsum`
            : E
          : never
        : Parsed extends [unknown, unknown] ? `einops: ',' is not allowed on the right side of einsum`
          : `einops: an einsum pattern must contain exactly one '->'`
    : never;

/** Operand ranks against their sides: `{max, unknown}` (the widest ellipsis, any unknown one) or an error. */
type EinsumRanks<Ops extends readonly SideInfo[], T extends readonly unknown[], I extends 0[] = [], Max extends 0[] = [], Unknown extends boolean = false> =
  Ops extends readonly [infer O extends SideInfo, ...infer OR extends SideInfo[]]
    ? T extends readonly [infer X, ...infer TR]
      ? RankOf<X> extends infer N
        ? number extends N ? EinsumRanks<OR, TR, [...I, 0], Max, TopEllipsis<O> extends true ? true : Unknown>
          : N extends number
            ? TopEllipsis<O> extends true
              ? Counter<N> extends [...LabelCount<O>, ...infer E extends 0[]]
                ? EinsumRanks<OR, TR, [...I, 0], E extends [...Max, ...0[]] ? E : Max, Unknown>
                : `einops: einsum operand #${I['length'] & number} has rank ${N}, fewer than the ${LabelCount<O>['length'] & number} axes its pattern names`
              : O['dims']['length'] extends N ? EinsumRanks<OR, TR, [...I, 0], Max, Unknown>
                : `einops: einsum operand #${I['length'] & number} has rank ${N}, but its pattern names ${Plural<O['dims']['length'], 'axis', 'axes'>} and has no '...'`
            : never
        : never
      : { max: Max; unknown: true }
    : { max: Max; unknown: Unknown };

/** einsum with tensors `T` (a tuple when their number is known): `{out: rank}` or an error. */
export type EinsumInfo<P extends string, T extends readonly unknown[]> =
  Unreadable<P> extends true ? { out: number }
    : EinsumPatternInfo<P> extends infer I
      ? I extends [infer Ops extends SideInfo[], infer Out extends SideInfo]
        ? number extends T['length'] ? { out: TopEllipsis<Out> extends true ? number : Out['dims']['length'] }
          : Ops['length'] extends T['length']
            ? EinsumRanks<Ops, T> extends infer Rk
              ? Rk extends { max: infer Max extends 0[]; unknown: infer Unknown extends boolean }
                ? TopEllipsis<Out> extends true
                  ? { out: Unknown extends true ? number : [...LabelCount<Out>, ...Max]['length'] }
                  : Max extends [] ? { out: Out['dims']['length'] }
                    : `einops: the output of einsum has no '...', but the inputs' ellipsis covers ${Plural<Max['length'], 'dimension'>}: add '...' to the output`
                : Rk
              : never
            : `einops: the einsum pattern has ${Plural<Ops['length'], 'operand'>}, but ${Plural<T['length'], 'tensor'>} ${T['length'] extends 1 ? 'is' : 'are'} given`
        : I
      : never;

export type EinsumPattern<P extends string, T extends readonly unknown[]> = Verdict<EinsumInfo<P, T>, P>;
export type EinsumResult<P extends string, T extends readonly unknown[]> = ResultOf<EinsumInfo<P, T>>;

// ---------------------------------------------------------------------------------------------
// pack / unpack (ops/pack.ts).

type PackRankError<E, P extends string, Need extends 0[]> =
  E extends unknown
    ? RankOf<E> extends infer R
      ? number extends R ? never : R extends number ? Counter<R> extends [...Need, ...0[]] ? never
        : `einops: pack(..., '${P}') needs tensors of rank at least ${Need['length'] & number}, got one of rank ${R}` : never
      : never
    : never;

export type PackInfo<P extends string, T extends readonly unknown[]> =
  Unreadable<P> extends true ? { out: number }
    : PackScan<P, 'pack', P> extends infer I
      ? I extends { n: infer N extends number }
        ? PackRankError<T[number], P, DropOne<Counter<N>>> extends infer E ? [E] extends [never] ? { out: N } : E : never
        : I
      : never;
export type PackPattern<P extends string, T extends readonly unknown[]> = Verdict<PackInfo<P, T>, P>;
export type PackResult<P extends string, T extends readonly unknown[]> = ResultOf<PackInfo<P, T>>;

export type UnpackInfo<P extends string, X> =
  Unreadable<P> extends true ? { out: number }
    : PackScan<P, 'unpack', P> extends infer I
      ? I extends { n: infer N extends number }
        ? RankOf<X> extends infer R
          ? number extends R ? I : R extends N ? I : `einops: unpack(..., '${P}') needs a tensor of rank ${N}, got rank ${R & number}`
          : never
        : I
      : never;
export type UnpackPattern<P extends string, X> = Verdict<UnpackInfo<P, X>, P>;

// ---------------------------------------------------------------------------------------------
// parseShape (ops/parse-shape.ts).

export type ParseShapeInfo<P extends string, X> =
  Unreadable<P> extends true ? { ok: true }
    : SinglePattern<P, true, 'parseShape'> extends infer S
      ? S extends SideInfo
        ? S['composite'] extends true ? 'einops: parseShape cannot take composite axes (parentheses around several axes)'
          : S['ellParen'] extends true ? `einops: parseShape cannot take an ellipsis in parentheses`
            : RankError<S, RankOf<X>, 'the pattern'> extends infer E ? [E] extends [never] ? { ok: true } : E : never
        : S
      : never;
export type ParseShapePattern<P extends string, X> = Verdict<ParseShapeInfo<P, X>, P>;

// ---------------------------------------------------------------------------------------------
// EinMix (layers/einmix.ts): the pattern, the weight shape, the bias shape and the length names.

type BiasError<R extends SideInfo, B, K> =
  [B] extends [null] ? never // first: without strictNullChecks, null extends string
    : B extends string
    ? string extends B ? never
      : SinglePattern<B, false, 'a bias shape'> extends infer S
        ? S extends SideInfo
          ? [S['anon']] extends [never]
            ? S['ell'] extends true ? `einops: the bias shape cannot have an ellipsis (...)`
              : [Exclude<S['names'], R['names']>] extends [never]
                ? [string extends K ? never : Exclude<S['names'], K>] extends [never]
                  ? [Extract<S['names'], R['beforeEll']>] extends [never] ? never
                    : 'einops: all bias axes should come after the ellipsis (...) in the output'
                  : `einops: bias axis '${Exclude<S['names'], K> & string}' needs a length in axesLengths`
                : `einops: bias axis '${Exclude<S['names'], R['names']> & string}' is not present in the output`
            : `einops: bias axis ${S['anon'] & string} is not present in the output`
          : S
        : never
    : never;

type EinMixSidesError<L extends SideInfo, R extends SideInfo, Wt extends SideInfo, W extends string, B, K> =
  [Exclude<R['names'], L['names'] | Wt['names']>] extends [never]
    ? Wt['ell'] extends true ? ['weight', 'einops: no ellipsis (...) in the weight shape of EinMix: its shape must be fully specified']
      : L['ell'] extends R['ell']
        ? L['ellParen'] extends true ? ['pattern', 'einops: an ellipsis (...) inside parentheses on the left side is not allowed']
          : [L['anon'] | R['anon']] extends [never]
            ? [Wt['anon']] extends [never]
              ? W extends `${string}(${string}` | `${string})${string}` ? ['weight', `einops: no parentheses in the weight shape of EinMix`]
                : [string extends K ? never : Exclude<Wt['names'], K>] extends [never]
                  ? UnusedLengths<K, L['names'] | Wt['names']> extends infer E ? [E] extends [never]
                    ? [Exclude<Wt['names'], L['names'] | R['names']>] extends [never]
                      ? BiasError<R, B, K> extends infer E2 ? [E2] extends [never]
                        ? Uninferable<L['groups'], K> extends infer E3 ? [E3] extends [never] ? never : ['pattern', E3] : never
                        : ['bias', E2] : never
                      : ['weight', `einops: weight axis '${Exclude<Wt['names'], L['names'] | R['names']> & string}' is redundant: it is neither on the left nor on the right`]
                    : ['pattern', E] : never
                  : ['weight', `einops: weight axis '${Exclude<Wt['names'], K> & string}' needs a length in axesLengths`]
              : ['weight', `einops: anonymous axes (numbers) are not allowed in EinMix, got ${Wt['anon'] & string}`]
            : ['pattern', `einops: anonymous axes (numbers) are not allowed in EinMix, got ${(L['anon'] | R['anon']) & string}`]
        : ['pattern', 'einops: an ellipsis (...) in EinMix should be on both sides']
    : ['pattern', `einops: axis '${Exclude<R['names'], L['names'] | Wt['names']> & string}' is on the right of EinMix but neither on the left nor in the weight`];

/** `[where, message]` for the first error of an EinMix, or `{left, right}` (the analysed sides). */
export type EinMixInfo<P extends string, W extends string, B, K> =
  Unreadable<P> extends true ? { unknown: true }
    : ArrowPattern<P, 'EinMix'> extends infer S
      ? S extends [infer L extends SideInfo, infer R extends SideInfo]
        ? string extends W ? { left: L; right: R }
          : SinglePattern<W, false, 'a weight shape'> extends infer Wt
            ? Wt extends SideInfo
              ? EinMixSidesError<L, R, Wt, W, B, K> extends infer E ? [E] extends [never] ? { left: L; right: R } : E : never
              : ['weight', Wt]
            : never
        : ['pattern', S]
      : never;

/** The parameter type of EinMix's pattern (`Where` 'pattern'), weight shape or bias shape. */
export type EinMixArg<Where extends 'pattern' | 'weight' | 'bias', P extends string, W extends string, B, L, Arg> =
  EinMixInfo<P, W, B, LengthNames<L>> extends infer I ? I extends [Where, infer M] ? M : Arg : never;

export type EinMixInput<P extends string, W extends string, B, L, X> =
  EinMixInfo<P, W, B, LengthNames<L>> extends infer I
    ? I extends { left: infer Left extends SideInfo } ? InputVerdict<RankError<Left, RankOf<X>>, X> : X
    : never;
export type EinMixResult<P extends string, W extends string, B, L, X> =
  EinMixInfo<P, W, B, LengthNames<L>> extends infer I
    ? I extends { left: infer Left extends SideInfo; right: infer Right extends SideInfo }
      ? OutRank<Left, Right, RankOf<X>> extends infer O extends number ? TensorOfRank<O> : tf.Tensor
      : tf.Tensor
    : never;
