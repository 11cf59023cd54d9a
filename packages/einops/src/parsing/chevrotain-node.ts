/**
 * Provides chevrotain in Node from the single-file ESM build it ships (lib/chevrotain.mjs, not in its
 * `exports`, so located beside its entry), falling back to the package entry if a release moves it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { provideChevrotain, type ChevrotainApi } from './chevrotain-api.js';

async function loadChevrotain(): Promise<ChevrotainApi> {
  const entry = createRequire(import.meta.url).resolve('chevrotain'); // <package>/lib/src/api.js
  const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
  if (existsSync(bundle)) {
    const api = await import(pathToFileURL(bundle).href) as ChevrotainApi;
    if (typeof api.EmbeddedActionsParser === 'function') return api;
  }
  return await import('chevrotain');
}

provideChevrotain(await loadChevrotain());
