/** Splits a whole pattern into the sides each operation expects, with errors that point at the column. */
import { EinopsError } from '../errors.js';
import { parseExpression, type Expression, type ExpressionOptions } from './expression.js';
import { parseRawPattern, type RawPattern } from './grammar.js';
import { pointAt } from './pointer.js';

function rejectCommas(pattern: string, raw: RawPattern): void {
  if (raw.commas.length > 0) throw new EinopsError(pointAt(pattern, raw.commas[0]!, "Unknown character ','"));
}

/** `left -> right` for rearrange, reduce and repeat. */
export function parseArrowPattern(pattern: string): [Expression, Expression] {
  const raw = parseRawPattern(pattern);
  rejectCommas(pattern, raw);
  if (raw.arrows.length !== 1) {
    const offset = raw.arrows.length === 0 ? pattern.length : raw.arrows[1]!;
    throw new EinopsError(pointAt(pattern, offset, "Pattern must contain exactly one '->'"));
  }
  return [parseExpression(raw.parts[0]![0]!, pattern), parseExpression(raw.parts[1]![0]!, pattern)];
}

/** `in1, in2, ... -> out` for einsum. */
export function parseEinsumPattern(pattern: string): [Expression[], Expression] {
  const raw = parseRawPattern(pattern);
  if (raw.arrows.length !== 1) {
    const offset = raw.arrows.length === 0 ? pattern.length : raw.arrows[1]!;
    throw new EinopsError(pointAt(pattern, offset, "Einsum pattern must contain exactly one '->'"));
  }
  const right = raw.parts[1]!;
  if (right.length !== 1) {
    throw new EinopsError(pointAt(pattern, right[1]!.start - 1, "Unknown character ',' on the right side of einsum"));
  }
  const lefts = raw.parts[0]!.map((side) =>
    parseExpression(side, pattern, { allowUnderscore: true, allowDuplicates: true }));
  return [lefts, parseExpression(right[0]!, pattern, { allowUnderscore: true })];
}

/** A single side with no arrow (parse_shape). */
export function parseSinglePattern(pattern: string, options: ExpressionOptions): Expression {
  const raw = parseRawPattern(pattern);
  rejectCommas(pattern, raw);
  if (raw.arrows.length > 0) throw new EinopsError(pointAt(pattern, raw.arrows[0]!, "Unexpected '->'"));
  return parseExpression(raw.parts[0]![0]!, pattern, options);
}
