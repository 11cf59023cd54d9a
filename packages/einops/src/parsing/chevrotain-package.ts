/** Provides chevrotain as the package resolves (bundlers, browsers): see chevrotain-api.ts. */
import { createToken, EmbeddedActionsParser, Lexer } from 'chevrotain';
import { provideChevrotain } from './chevrotain-api.js';

provideChevrotain({ createToken, EmbeddedActionsParser, Lexer });
