/**
 * einops patterns read by the type checker: the grammar of parsing/grammar.ts and the word rules of
 * parsing/expression.ts as tail-recursive conditional types. Written for the checker's speed:
 * parts, sides and words are cut with template-literal matches on the string itself (never by
 * walking tuples), each word costs one step of a scan, a word is classified once per program
 * (WordKind), and a side's analysis is cached across patterns (ParseSide on the trimmed side).
 * Recursion is in tail position throughout, so the length of a pattern is bounded only by
 * TypeScript's 1000 steps of tail recursion (a 460-character, 60-axis pattern is fine).
 *
 * A failure is a string literal type starting with `einops: `; a success is a tuple or object
 * type, so callers tell them apart with `X extends string`.
 */

/** A compile-time einops error: the message the editor shows. */
export type EinopsTypeError = `einops: ${string}`;

export type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type Letter = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r'
  | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z' | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L'
  | 'M' | 'N' | 'O' | 'P' | 'Q' | 'R' | 'S' | 'T' | 'U' | 'V' | 'W' | 'X' | 'Y' | 'Z';
/** Characters of an axis name. */
type NameChar = Letter | Digit | '_';

type UnknownCharError<C extends string> = C extends '-'
  ? `einops: unknown character '-' in the pattern (an arrow is '->')`
  : `einops: unknown character '${C}' in the pattern`;

// ---------------------------------------------------------------------------------------------
// Words: '...', numbers (anonymous axes; 1 is a unit) and names.

type AllDigits<W extends string> = W extends `${Digit}${infer R}` ? (R extends '' ? true : AllDigits<R>) : false;
type DigitsLength<W extends string, N extends 0[] = []> = W extends `${string}${infer R}` ? DigitsLength<R, [...N, 0]> : N['length'];
type DigitTuple = { '0': []; '1': [0]; '2': [0, 0]; '3': [0, 0, 0]; '4': [0, 0, 0, 0]; '5': [0, 0, 0, 0, 0]; '6': [0, 0, 0, 0, 0, 0];
  '7': [0, 0, 0, 0, 0, 0, 0]; '8': [0, 0, 0, 0, 0, 0, 0, 0]; '9': [0, 0, 0, 0, 0, 0, 0, 0, 0] };
/** For equal-length digit strings: is A > B? */
type DigitsGreater<A extends string, B extends string> =
  A extends `${infer A0 extends Digit}${infer AR}` ? B extends `${infer B0 extends Digit}${infer BR}`
    ? A0 extends B0 ? DigitsGreater<AR, BR> : DigitTuple[A0] extends [...DigitTuple[B0], ...0[]] ? true : false
    : false : false;
/** Number.isSafeInteger fails beyond 2^53 - 1 = 9007199254740991 (16 digits). */
type TooLarge<W extends string> =
  DigitsLength<W> extends 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 ? false
    : DigitsLength<W> extends 16 ? DigitsGreater<W, '9007199254740991'> : true;

/** The first character of `W` that is not in `[A-Za-z0-9_.]` (the chevrotain lexer's word), or never. */
type BadWordChar<W extends string> = W extends `${infer C}${infer R}` ? C extends NameChar | '.' ? BadWordChar<R> : C : never;

/**
 * What a word (the text between spaces, parentheses, commas and arrows) is: 'ellipsis', 'unit'
 * (1), 'anon' (another number), 'name' (`_` included: the operations that do not take it reject
 * it), or an error. Evaluated once per distinct word, so characters are checked here.
 */
export type WordKind<W extends string> =
  BadWordChar<W> extends infer C extends string
    ? [C] extends [never]
      ? W extends `${string}.${string}`
        ? W extends '...' ? 'ellipsis' : `einops: '${W}': a pattern may contain dots only in an ellipsis (...)`
        : W extends `${Digit}${string}`
          ? AllDigits<W> extends true
            ? W extends '1' ? 'unit'
              : W extends '0' ? 'einops: an anonymous axis should have a positive length, not 0'
                : W extends `0${string}` ? `einops: invalid axis '${W}': a number with a leading zero is ambiguous`
                  : TooLarge<W> extends true ? `einops: anonymous axis length ${W} is too large` : 'anon'
            : `einops: invalid axis name '${W}': a name is letters, digits and underscores, not starting with a digit`
          : W extends '_' ? 'name'
            : W extends `_${string}` | `${string}_` ? `einops: invalid axis name '${W}': axis names should not start or end with an underscore`
              : 'name'
      : UnknownCharError<C>
    : never;

// ---------------------------------------------------------------------------------------------
// Sides: scanned word by word on the string itself (iterating over a tuple costs the checker a copy
// of its rest at each step), into unions and counters.

/**
 * One side of a pattern, as the checks need it. `dims`: one entry per dimension (a top-level
 * `...` counts one); `names`, `anon`: unions of the named and the anonymous axes (numbers other
 * than 1); `dup` / `dupAny`: the first name to repeat, not counting / counting `_`; `groups`: a
 * union of `[names of the group]` for each group of two or more axes; `composite`: such a group
 * exists; `unit`: some dimension is `1` or `()`; `beforeEll`: the names before the ellipsis.
 */
export interface SideInfo {
  readonly dims: readonly 0[];
  readonly names: string;
  readonly ell: boolean;
  readonly ellParen: boolean;
  readonly anon: string;
  readonly dup: string;
  readonly dupAny: string;
  readonly groups: readonly [string];
  readonly composite: boolean;
  readonly unit: boolean;
  readonly beforeEll: string;
}

/** Spaces around every parenthesis, so that the scan sees them as words. */
type PadOpen<S extends string, Acc extends string = ''> = S extends `${infer A}(${infer B}` ? PadOpen<B, `${Acc}${A} ( `> : `${Acc}${S}`;
type PadClose<S extends string, Acc extends string = ''> = S extends `${infer A})${infer B}` ? PadClose<B, `${Acc}${A} ) `> : `${Acc}${S}`;

/** A word of a padded side: WordKind, or the parenthesis, or '' (between two spaces). */
type Token<W> = W extends '' | '(' | ')' ? W : WordKind<W & string>;

/** The top level of a side; one-letter names, the common case, take the shortest path (and in groups too). */
type Scan<S, Dims extends 0[], Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll> =
  S extends `${infer W} ${infer R}`
    ? W extends Letter
      ? [W] extends [Names]
        ? Scan<R, [...Dims, 0], Names, Ell, EllParen, Anon, [Dup] extends [never] ? W : Dup, [DupAny] extends [never] ? W : DupAny,
          Groups, Composite, Unit, BeforeEll>
        : Scan<R, [...Dims, 0], Names | W, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
      : W extends '(' ? ScanGroup<R, [], never, Dims, Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
      : Token<W> extends infer K
        ? K extends 'name'
          ? [W] extends [Names]
            ? Scan<R, [...Dims, 0], Names, Ell, EllParen, Anon, [Dup] extends [never] ? W extends '_' ? never : W : Dup,
              [DupAny] extends [never] ? W : DupAny, Groups, Composite, Unit, BeforeEll>
            : Scan<R, [...Dims, 0], Names | W, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
          : K extends '' ? Scan<R, Dims, Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
            : K extends ')' ? `einops: unbalanced parentheses: ')' closes no group`
              : K extends 'anon' ? Scan<R, [...Dims, 0], Names, Ell, EllParen, Anon | W, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
                : K extends 'unit' ? Scan<R, [...Dims, 0], Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, true, BeforeEll>
                  : K extends 'ellipsis'
                    ? Ell extends true ? 'einops: two ellipses (...) on one side; only one ellipsis per tensor'
                      : Scan<R, [...Dims, 0], Names, true, false, Anon, Dup, DupAny, Groups, Composite, Unit, Names>
                    : K
        : never
    : {
      dims: Dims; names: Names; ell: Ell; ellParen: EllParen; anon: Anon; dup: Dup; dupAny: DupAny; groups: Groups;
      composite: Composite; unit: Unit; beforeEll: BeforeEll;
    };

/** Inside a group: `GCount` counts its axes, `GNames` collects its names. */
type ScanGroup<S, GCount extends 0[], GNames, Dims extends 0[], Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit,
  BeforeEll> =
  S extends `${infer W} ${infer R}`
    ? W extends Letter
      ? [W] extends [Names]
        ? ScanGroup<R, [...GCount, 0], GNames | W, Dims, Names, Ell, EllParen, Anon, [Dup] extends [never] ? W : Dup,
          [DupAny] extends [never] ? W : DupAny, Groups, Composite, Unit, BeforeEll>
        : ScanGroup<R, [...GCount, 0], GNames | W, Dims, Names | W, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
    : W extends ')'
      ? GCount extends [0, 0, ...0[]]
        ? Scan<R, [...Dims, 0], Names, Ell, EllParen, Anon, Dup, DupAny, Groups | [GNames], true, Unit, BeforeEll>
        : Scan<R, [...Dims, 0], Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, GCount extends [] ? true : Unit, BeforeEll>
    : Token<W> extends infer K
      ? K extends 'name'
        ? [W] extends [Names]
          ? ScanGroup<R, [...GCount, 0], GNames | W, Dims, Names, Ell, EllParen, Anon,
            [Dup] extends [never] ? W extends '_' ? never : W : Dup, [DupAny] extends [never] ? W : DupAny, Groups, Composite, Unit, BeforeEll>
          : ScanGroup<R, [...GCount, 0], GNames | W, Dims, Names | W, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
        : K extends '' ? ScanGroup<R, GCount, GNames, Dims, Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
            : K extends '(' ? 'einops: nested parentheses: axis composition is one-level (brackets inside brackets not allowed)'
              : K extends 'anon' ? ScanGroup<R, [...GCount, 0], GNames, Dims, Names, Ell, EllParen, Anon | W, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
                : K extends 'unit' ? ScanGroup<R, GCount, GNames, Dims, Names, Ell, EllParen, Anon, Dup, DupAny, Groups, Composite, Unit, BeforeEll>
                  : K extends 'ellipsis'
                    ? Ell extends true ? 'einops: two ellipses (...) on one side; only one ellipsis per tensor'
                      : ScanGroup<R, [...GCount, 0], GNames, Dims, Names, true, true, Anon, Dup, DupAny, Groups, Composite, Unit, Names>
                    : K
      : never
    : Unclosed;

type Unclosed = 'einops: unbalanced parentheses: a group is opened and never closed';
/** A side followed by '->' or ',' that leaves a group open: the separator is inside the group. */
type NotLast<I> = I extends Unclosed ? `einops: unbalanced parentheses: '->' or ',' inside a group` : I;
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

/** One side (trimmed, so that sides repeated across patterns are analysed once), analysed, or an error. */
type ParseSide<S extends string> =
  S extends `${string}${'-' | '>'}${string}` ? UnknownCharError<S extends `${string}-${string}` ? '-' : '>'>
    : Scan<`${PadClose<PadOpen<S>>} `, [], never, false, false, never, never, never, never, false, false, never>;

type ParseSides<S extends string, Last extends boolean, Acc extends unknown[] = []> =
  S extends `${infer A},${infer R}`
    ? ParseSide<Trim<A>> extends infer I ? I extends string ? NotLast<I> : ParseSides<R, Last, [...Acc, I]> : never
    : ParseSide<Trim<S>> extends infer I ? I extends string ? Last extends true ? I : NotLast<I> : [...Acc, I] : never;

type ParseParts<S extends string, Acc extends unknown[] = []> =
  S extends `${infer A}->${infer R}`
    ? ParseSides<A, false> extends infer I ? I extends string ? I : ParseParts<R, [...Acc, I]> : never
    : ParseSides<S, true> extends infer I ? I extends string ? I : [...Acc, I] : never;

/**
 * A pattern as parts (split at '->') of sides (split at ','), each side analysed, or the first
 * error. Names may repeat and `_` is a name here: each operation applies its own rules to that.
 * Characters are checked word by word (WordKind); any character other than a word's, the space,
 * parentheses, ',' and '->' ends up in a word, or is a lone '-' or '>' (ParseSide).
 */
export type ParsePattern<P extends string> =
  P extends `${infer L}->${infer R}`
    ? `${L}${R}` extends `${string}${',' | '->'}${string}` ? ParseParts<P>
      : ParseSide<Trim<L>> extends infer A ? A extends string ? NotLast<A> : ParseSide<Trim<R>> extends infer B ? B extends string ? B : [[A], [B]] : never : never
    : ParseParts<P>;

// ---------------------------------------------------------------------------------------------
// Per-side rules and list helpers.

/** Picks one member of a union (for messages). */
export type OneOf<U> =
  (U extends unknown ? (x: (y: U) => void) => void : never) extends (x: infer I) => void
    ? I extends (y: infer L) => void ? L : never : never;

/**
 * parsing/expression.ts' per-side rules: `U`, a lone `_` is a (repeatable) name; `D`, names may
 * repeat. Never, or an error.
 */
export type SideRuleError<S extends SideInfo, U extends boolean, D extends boolean> =
  U extends false
    ? '_' extends S['names'] ? `einops: invalid axis name '_': axis names should not start or end with an underscore`
      : D extends true ? never : [S['dup']] extends [never] ? never : `einops: axis '${S['dup']}' appears twice on one side of the pattern`
    : D extends true ? never : [S['dup']] extends [never] ? never : `einops: axis '${S['dup']}' appears twice on one side of the pattern`;

/** Whitespace as `String.split(/\s+/)` sees it (pack's patterns). */
type WhiteSpace = ' ' | '\t' | '\n' | '\v' | '\f' | '\r' | '\u00a0' | '\u1680' | '\u2000' | '\u2001' | '\u2002' | '\u2003'
  | '\u2004' | '\u2005' | '\u2006' | '\u2007' | '\u2008' | '\u2009' | '\u200a' | '\u2028' | '\u2029' | '\u202f' | '\u205f'
  | '\u3000' | '\ufeff';

type AllNameChars<W extends string> = W extends `${infer C}${infer R}` ? C extends NameChar ? AllNameChars<R> : false : true;
/** Is `W` a valid axis name (`invalidAxisNameReason(W) === undefined`)? */
export type IsAxisName<W extends string> =
  W extends '' ? false : W extends `${Digit}${string}` | `_${string}` | `${string}_` ? false : AllNameChars<W>;

/**
 * ops/pack.ts' analyzePattern: whitespace-separated names and one '*'. `{n: number of axes}` or an
 * error; `W` is the word being read, `Names` the names so far, `Bad` the first invalid name.
 */
export type PackScan<S extends string, Op extends string, P extends string, W extends string = '', N extends 0[] = [],
  Names extends string = never, Star extends boolean = false, Dup extends string = never, Bad extends string = never> =
  S extends `${infer C}${infer R}`
    ? C extends WhiteSpace
      ? W extends '' ? PackScan<R, Op, P, '', N, Names, Star, Dup, Bad>
        : W extends '*'
          ? Star extends true ? PackScan<R, Op, P, '', [...N, 0], Names, Star, [Dup] extends [never] ? '*' : Dup, Bad>
            : PackScan<R, Op, P, '', [...N, 0], Names, true, Dup, Bad>
          : PackScan<R, Op, P, '', [...N, 0], Names | W, Star, [Dup] extends [never] ? [W] extends [Names] ? W : never : Dup,
            [Bad] extends [never] ? IsAxisName<W> extends true ? never : W : Bad>
      : PackScan<R, Op, P, `${W}${C}`, N, Names, Star, Dup, Bad>
    : W extends '' ? [Dup] extends [never]
      ? Star extends true
        ? [Bad] extends [never] ? { n: N['length'] } : `einops: invalid axis name '${Bad}' in ${Op}(..., '${P}')`
        : `einops: no '*' in ${Op}(..., '${P}')`
      : Dup extends '*' ? `einops: more than one '*' in ${Op}(..., '${P}')` : `einops: axis '${Dup}' appears twice in ${Op}(..., '${P}')`
      : PackScan<' ', Op, P, W, N, Names, Star, Dup, Bad>;
