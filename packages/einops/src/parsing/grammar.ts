/**
 * The einops pattern grammar, as a chevrotain lexer and parser.
 *
 *   pattern := sides ('->' sides)*
 *   sides   := side (',' side)*
 *   side    := (word | '(' word* ')')*
 *   word    := [A-Za-z0-9_.]+        ('...' is a word here; expression.ts classifies words)
 *
 * Only the ASCII space separates words, as in einops. The grammar is deliberately looser than any
 * one operation (an operation decides how many arrows and commas it accepts) so that every
 * operation reports the same, precise errors.
 */
import type { ILexingResult, IToken } from 'chevrotain';
import { EinopsError } from '../errors.js';
import { chevrotainApi } from './chevrotain-api.js';
import { pointAt } from './pointer.js';

/** A word as written: an axis name, a number or `...`; `offset` is its column in the pattern. */
export interface RawWord {
  readonly text: string;
  readonly offset: number;
}
/** A top-level word or a parenthesised group of words. */
export type RawItem = { readonly kind: 'word'; readonly word: RawWord } | {
  readonly kind: 'group';
  readonly words: readonly RawWord[];
  readonly offset: number;
};
/** One tensor's side of a pattern, with its span in the pattern string. */
export interface RawSide {
  readonly items: readonly RawItem[];
  readonly start: number;
  readonly end: number;
}
/** `sides` per arrow-separated part; `arrows` are the arrow columns. */
export interface RawPattern {
  readonly parts: readonly (readonly RawSide[])[];
  readonly arrows: readonly number[];
  readonly commas: readonly number[];
}

interface Grammar {
  tokenize(text: string): ILexingResult;
  parser: { input: IToken[]; readonly errors: { token: IToken }[]; setText(text: string): void; pattern(): RawPattern };
}

/** Built on first use, from the chevrotain the entry point provided (see chevrotain-api.ts). */
let grammar: Grammar | undefined;

function buildGrammar(): Grammar {
  const { createToken, EmbeddedActionsParser, Lexer } = chevrotainApi();
  const Space = createToken({ name: 'Space', pattern: / +/, group: Lexer.SKIPPED });
  const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
  const Comma = createToken({ name: 'Comma', pattern: /,/ });
  const LParen = createToken({ name: 'LParen', pattern: /\(/ });
  const RParen = createToken({ name: 'RParen', pattern: /\)/ });
  const Word = createToken({ name: 'Word', pattern: /[A-Za-z0-9_.]+/ });

  const allTokens = [Space, Arrow, Comma, LParen, RParen, Word];
  const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });

  class PatternParser extends EmbeddedActionsParser {
    private text = '';
    constructor() {
      super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
      this.performSelfAnalysis();
    }

    setText(text: string): void {
      this.text = text;
    }

    public pattern = this.RULE('pattern', (): RawPattern => {
      const parts: RawSide[][] = [this.SUBRULE(this.sides)];
      const arrows: number[] = [];
      const commas: number[] = [];
      this.MANY(() => {
        const arrow = this.CONSUME(Arrow);
        this.ACTION(() => arrows.push(arrow.startOffset));
        parts.push(this.SUBRULE2(this.sides));
      });
      this.ACTION(() => {
        for (const part of parts) for (let i = 1; i < part.length; i++) commas.push(part[i]!.start - 1);
      });
      return { parts, arrows, commas };
    });

    private sides = this.RULE('sides', (): RawSide[] => {
      const result: RawSide[] = [];
      const first = this.ACTION(() => this.currentStart());
      result.push(this.SUBRULE(this.side, { ARGS: [first] }));
      this.MANY(() => {
        const comma = this.CONSUME(Comma);
        result.push(this.SUBRULE2(this.side, { ARGS: [this.ACTION(() => comma.startOffset + 1)] }));
      });
      return result;
    });

    private side = this.RULE('side', (start: number): RawSide => {
      const items: RawItem[] = [];
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              const tok = this.CONSUME(Word);
              this.ACTION(() => items.push({ kind: 'word', word: toWord(tok) }));
            },
          },
          { ALT: () => items.push(this.SUBRULE(this.group)) },
        ]);
      });
      return this.ACTION(() => ({ items, start, end: this.currentStart() }));
    });

    private group = this.RULE('group', (): RawItem => {
      const open = this.CONSUME(LParen);
      const words: RawWord[] = [];
      this.MANY(() => {
        const tok = this.CONSUME(Word);
        this.ACTION(() => words.push(toWord(tok)));
      });
      this.CONSUME(RParen);
      return { kind: 'group', words, offset: open.startOffset };
    });

    /** Column where the next token starts (the pattern's length at the end). */
    private currentStart(): number {
      const next = this.LA(1);
      return next.tokenType === undefined || next.image === '' || Number.isNaN(next.startOffset)
        ? this.text.length
        : next.startOffset;
    }
  }

  return { tokenize: (text) => lexer.tokenize(text), parser: new PatternParser() };
}

function toWord(tok: IToken): RawWord {
  return { text: tok.image, offset: tok.startOffset };
}


/** Parses a pattern string into sides; throws EinopsError pointing at the offending column. */
export function parseRawPattern(pattern: string): RawPattern {
  grammar ??= buildGrammar();
  const { parser } = grammar;
  const lexed = grammar.tokenize(pattern);
  if (lexed.errors.length > 0) {
    const offset = lexed.errors[0]!.offset;
    const char = pattern[offset]!;
    const shown = char === '\t' ? '\\t' : char === '\n' ? '\\n' : char;
    throw new EinopsError(pointAt(pattern, offset, `Unknown character '${shown}'`));
  }
  parser.setText(pattern);
  parser.input = lexed.tokens;
  const result = parser.pattern();
  if (parser.errors.length > 0) {
    const err = parser.errors[0]!;
    const tok = err.token;
    const atEnd = tok.tokenType === undefined || tok.image === '' || Number.isNaN(tok.startOffset);
    const offset = atEnd ? pattern.length : tok.startOffset;
    let reason: string;
    if (atEnd) reason = 'Imbalanced parentheses: a group is opened and never closed';
    else if (tok.image === '(') reason = 'Axis composition is one-level (brackets inside brackets not allowed)';
    else if (tok.image === ')') reason = 'Brackets are not balanced: ")" closes no group';
    else if (tok.image === '->' || tok.image === ',') reason = `Imbalanced parentheses: "${tok.image}" inside a group`;
    else reason = `Unexpected "${tok.image}"`;
    throw new EinopsError(pointAt(pattern, offset, reason));
  }
  return result;
}
