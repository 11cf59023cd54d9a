/**
 * A differential corpus of random einops calls (valid and invalid) recorded from Python einops by
 * differential/generate.py: the same checks as the shared fixtures, on many more patterns.
 */
import { readFileSync } from 'node:fs';
import { describeCorpus } from './corpus.js';
import type { EinopsCase } from './fixture-cases.js';

const cases = JSON.parse(readFileSync(new URL('./differential/cases.json', import.meta.url), 'utf8')) as EinopsCase[];
describeCorpus('einops differential corpus', cases);
