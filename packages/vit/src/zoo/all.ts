/**
 * The built-in registry entries: one line per model family. The registry reads this list lazily
 * (no side effects at import), so bundlers keep it whatever they tree-shake.
 *
 * Model families: export a `readonly ModelEntry[]` from `zoo/families/<family>.ts` and add one
 * import and one spread line here (entries listed twice by mistake are registered once).
 * (Do not import registry.ts from a family file: use `registerEntries` only in application code.)
 */
import type { ModelEntry } from './entry.js';
import { DEIT_ENTRIES, VIT_ENTRIES } from './timm-vit-entries.js';
import { CAIT_ENTRIES } from './families/cait.js';
import { CCT_ENTRIES } from './families/cct.js';
import { CROSSVIT_ENTRIES } from './families/crossvit.js';
import { CVT_ENTRIES } from './families/cvt.js';
import { DEEPVIT_ENTRIES } from './families/deepvit.js';
import { LEVIT_ENTRIES } from './families/levit.js';
import { MAXVIT_ENTRIES } from './families/maxvit.js';
import { MOBILEVIT_ENTRIES } from './families/mobilevit.js';
import { PIT_ENTRIES } from './families/pit.js';
import { SWIN_ENTRIES } from './families/swin.js';
import { T2T_ENTRIES } from './families/t2t.js';

export const BUILTIN_ENTRIES: readonly ModelEntry[] = [
  ...VIT_ENTRIES,
  ...DEIT_ENTRIES,
  ...CAIT_ENTRIES,
  ...CCT_ENTRIES,
  ...CROSSVIT_ENTRIES,
  ...CVT_ENTRIES,
  ...DEEPVIT_ENTRIES,
  ...LEVIT_ENTRIES,
  ...MAXVIT_ENTRIES,
  ...MOBILEVIT_ENTRIES,
  ...PIT_ENTRIES,
  ...SWIN_ENTRIES,
  ...T2T_ENTRIES,
];
