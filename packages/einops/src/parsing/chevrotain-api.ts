/**
 * The chevrotain functions the grammar uses, provided by the entry point: the browser entry imports
 * the package as bundlers resolve it; the Node entry loads chevrotain's own single-file build, which
 * starts ~20x faster than its ~650-module lodash-es tree under Node's ESM loader (~15 vs ~340 ms).
 */
import type * as Chevrotain from 'chevrotain';

export type ChevrotainApi = Pick<typeof Chevrotain, 'createToken' | 'EmbeddedActionsParser' | 'Lexer'>;

let provided: ChevrotainApi | undefined;

export function provideChevrotain(api: ChevrotainApi): void {
  provided ??= api;
}

export function chevrotainApi(): ChevrotainApi {
  if (provided === undefined) throw new Error('@vit/einops: chevrotain was not loaded; import @vit/einops through its package entry');
  return provided;
}
