/**
 * One side of a pattern (`b c (h p1) (w p2)`) as einops understands it: a composition of groups of
 * elementary axes, the set of identifiers, and where the ellipsis is. Knows nothing of tensors.
 */
import { EinopsError } from '../errors.js';
import type { RawSide, RawWord } from './grammar.js';
import { pointAt } from './pointer.js';

/** A number in a pattern (`(h 2)`): every occurrence is its own axis, equal to no other. */
export class AnonymousAxis {
  constructor(readonly value: number) {}
  toString(): string {
    return `${this.value}-axis`;
  }
}

/** Marks the ellipsis in compositions; no axis name can contain this character. */
export const ELLIPSIS = '\u2026';

export type Axis = string | AnonymousAxis;
/** A parenthesised group (or a single axis, or `[]` for `1` / `()`); may hold ELLIPSIS inside `(...)`. */
export type Group = Axis[];

export interface Expression {
  readonly composition: ReadonlyArray<Group | typeof ELLIPSIS>;
  /** Named axes, anonymous axes and, when present, ELLIPSIS. */
  readonly identifiers: ReadonlySet<Axis>;
  readonly hasEllipsis: boolean;
  readonly ellipsisParenthesized: boolean;
  readonly hasNonUnitaryAnonymousAxes: boolean;
}

export interface ExpressionOptions {
  /** `_` is a valid (and repeatable) axis name: parse_shape and einsum. */
  readonly allowUnderscore?: boolean;
  /** The same name may appear twice: einsum inputs (traces, diagonals). */
  readonly allowDuplicates?: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `name` is not a valid axis name, or undefined when it is. */
export function invalidAxisNameReason(name: string, allowUnderscore = false): string | undefined {
  if (!NAME.test(name)) return 'not a valid identifier (letters, digits and underscores, not starting with a digit)';
  if (name.startsWith('_') || name.endsWith('_')) {
    if (name === '_' && allowUnderscore) return undefined;
    return 'axis name should not start or end with underscore';
  }
  return undefined;
}

export function parseExpression(side: RawSide, pattern: string, options: ExpressionOptions = {}): Expression {
  const { allowUnderscore = false, allowDuplicates = false } = options;
  const composition: Array<Group | typeof ELLIPSIS> = [];
  const identifiers = new Set<Axis>();
  let hasEllipsis = false;
  let ellipsisParenthesized = false;
  let hasNonUnitaryAnonymousAxes = false;

  const fail = (word: RawWord, reason: string): never => {
    throw new EinopsError(pointAt(pattern, word.offset, reason));
  };

  /** Adds one word at the top level (group === undefined) or into a group. */
  const addWord = (word: RawWord, group: Group | undefined): void => {
    const text = word.text;
    if (text === '...') {
      if (hasEllipsis) fail(word, 'Expression may contain dots only inside ellipsis (...); only one ellipsis for tensor');
      hasEllipsis = true;
      identifiers.add(ELLIPSIS);
      if (group === undefined) composition.push(ELLIPSIS);
      else {
        group.push(ELLIPSIS);
        ellipsisParenthesized = true;
      }
      return;
    }
    if (text.includes('.')) fail(word, 'Expression may contain dots only inside ellipsis (...)');
    if (/^[0-9]+$/.test(text)) {
      if (text.length > 1 && text.startsWith('0')) {
        fail(word, `Invalid axis identifier: ${text} (a number with a leading zero is ambiguous)`);
      }
      const value = Number(text);
      if (value === 1) {
        if (group === undefined) composition.push([]);
        return;
      }
      if (value === 0) fail(word, 'Anonymous axis should have positive length, not 0');
      if (!Number.isSafeInteger(value)) fail(word, `Anonymous axis length ${text} is too large`);
      const axis = new AnonymousAxis(value);
      identifiers.add(axis);
      hasNonUnitaryAnonymousAxes = true;
      if (group === undefined) composition.push([axis]);
      else group.push(axis);
      return;
    }
    const reason = invalidAxisNameReason(text, allowUnderscore);
    if (reason !== undefined) fail(word, `Invalid axis identifier: ${text}\n${reason}`);
    if (identifiers.has(text) && !(allowUnderscore && text === '_') && !allowDuplicates) {
      fail(word, `Indexing expression contains duplicate dimension "${text}"`);
    }
    identifiers.add(text);
    if (group === undefined) composition.push([text]);
    else group.push(text);
  };

  for (const item of side.items) {
    if (item.kind === 'word') addWord(item.word, undefined);
    else {
      const group: Group = [];
      for (const word of item.words) addWord(word, group);
      composition.push(group);
    }
  }
  return { composition, identifiers, hasEllipsis, ellipsisParenthesized, hasNonUnitaryAnonymousAxes };
}

/** Human-readable identifiers for messages: `{'b', 2-axis}`. */
export function showAxes(axes: Iterable<Axis>): string {
  const shown = [...axes].map((a) => (typeof a === 'string' ? (a === ELLIPSIS ? '...' : `'${a}'`) : a.toString()));
  return `{${shown.join(', ')}}`;
}
