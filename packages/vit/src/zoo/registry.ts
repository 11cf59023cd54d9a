/**
 * The model registry, with timm's habits: `registerModel(name, factory)`, `listModels('vit_*')`,
 * `createModel(name, { ...timm keyword overrides in camelCase, pretrained })`.
 *
 * Where entries come from:
 * - Built-in families are listed in `zoo/all.ts` (`BUILTIN_ENTRIES`): each family file exports a
 *   `readonly ModelEntry[]` (see `entry.ts`) and all.ts concatenates them. The registry reads that
 *   list on first use, so nothing depends on import order or module side effects.
 * - Applications (and tests) add models at run time with `registerModel(name, factory, info)` or
 *   `registerEntries(entries)`. A name can be registered once; `{ override: true }` replaces it.
 *
 * Pretrained weights: `pretrained` is a file path (Node only; read with node:fs) or the file's bytes,
 * safetensors (timm key names) or a Google `.npz`, recognised by content. See `pretrained.ts`.
 */
import type { ModelEntry, RegistryModel } from './entry.js';
import { BUILTIN_ENTRIES } from './all.js';
import { loadPretrained, type PretrainedLoadResult } from './pretrained.js';

export type ModelFactory = (options: Record<string, unknown>) => RegistryModel;

export interface RegisterOptions {
  family?: string;
  description?: string;
  /** Replace an entry of the same name instead of failing. */
  override?: boolean;
}

export interface CreateModelOptions extends Record<string, unknown> {
  /**
   * Weights to load: a file path (Node), or the file's bytes (safetensors or Google `.npz`).
   * `false` / undefined: freshly initialised. (No downloads: `true` is an error.)
   */
  pretrained?: string | Uint8Array | ArrayBuffer | boolean;
}

const entries = new Map<string, ModelEntry>();
let builtinsLoaded = false;

function registry(): Map<string, ModelEntry> {
  if (!builtinsLoaded) {
    builtinsLoaded = true;
    for (const entry of BUILTIN_ENTRIES) add(entry, false);
  }
  return entries;
}

function add(entry: ModelEntry, override: boolean): void {
  if (typeof entry.name !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(entry.name)) {
    throw new Error(`registerModel: invalid model name ${JSON.stringify(entry.name)} (letters, digits, '_', '.', '-')`);
  }
  if (typeof entry.create !== 'function') throw new Error(`registerModel('${entry.name}'): the factory must be a function`);
  if (entries.get(entry.name) === entry) return; // the same entry listed twice
  if (!override && entries.has(entry.name)) {
    throw new Error(`registerModel: a model named '${entry.name}' is already registered (family '${entries.get(entry.name)!.family}'); pass { override: true } to replace it`);
  }
  entries.set(entry.name, entry);
}

/** Registers one model under `name` (timm's @register_model). */
export function registerModel(name: string, factory: ModelFactory, { family = name.split('_')[0]!, description, override = false }: RegisterOptions = {}): void {
  registry();
  add({ name, family, ...(description === undefined ? {} : { description }), create: factory }, override);
}

/** Registers every entry of a family (e.g. `registerEntries(CAIT_ENTRIES)`). */
export function registerEntries(list: readonly ModelEntry[], { override = false }: { override?: boolean } = {}): void {
  registry();
  for (const entry of list) add(entry, override);
}

/** fnmatch-style pattern (`*`, `?`, `[abc]`, `[!abc]`) as a RegExp, case-insensitive as timm's. */
function wildcard(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        body = body.startsWith('!') ? `^${body.slice(1)}` : body;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

export interface ListModelsOptions {
  /** Patterns to leave out (timm's exclude_filters). */
  exclude?: string | string[];
  /** Only these families. */
  family?: string | string[];
}

/** Registered model names matching `filter` (wildcards; several patterns are OR-ed), sorted. */
export function listModels(filter: string | string[] = '', { exclude = [], family }: ListModelsOptions = {}): string[] {
  const include = (Array.isArray(filter) ? filter : [filter]).filter((f) => f !== '').map(wildcard);
  const excludes = (Array.isArray(exclude) ? exclude : [exclude]).map(wildcard);
  const families = family === undefined ? undefined : new Set(Array.isArray(family) ? family : [family]);
  return [...registry().values()]
    .filter((e) => include.length === 0 || include.some((re) => re.test(e.name)))
    .filter((e) => !excludes.some((re) => re.test(e.name)))
    .filter((e) => families === undefined || families.has(e.family))
    .map((e) => e.name)
    .sort(naturalCompare);
}

/** timm sorts names naturally (`vit_base_patch8` before `vit_base_patch16`). */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

export function isModel(name: string): boolean {
  return registry().has(name);
}

/** The entry registered as `name`; an error naming close matches when there is none. */
export function modelEntry(name: string): ModelEntry {
  const entry = registry().get(name);
  if (entry !== undefined) return entry;
  const similar = [...registry().keys()].map((n) => [n, editDistance(name, n)] as const)
    .filter(([, d]) => d <= Math.max(3, name.length / 3)).sort((a, b) => a[1] - b[1] || naturalCompare(a[0], b[0])).slice(0, 5).map(([n]) => n);
  throw new Error(`Unknown model '${name}'${similar.length > 0 ? ` (similar: ${similar.join(', ')})` : ''}; listModels() gives all ${registry().size}`);
}

async function readPretrained(source: string | Uint8Array | ArrayBuffer): Promise<Uint8Array | ArrayBuffer> {
  if (typeof source !== 'string') return source;
  const fsModule = 'node:fs/promises';
  let readFile: (path: string) => Promise<Uint8Array>;
  try {
    ({ readFile } = (await import(/* @vite-ignore */ fsModule)) as { readFile: typeof readFile });
  } catch {
    throw new Error(`createModel: pretrained is a file path ('${source}'), which needs Node; in a browser pass the file's bytes`);
  }
  try {
    return await readFile(source);
  } catch (err) {
    throw new Error(`createModel: cannot read pretrained weights '${source}': ${(err as Error).message}`);
  }
}

/** What `createModel` loaded, when it loaded weights (see `PretrainedLoadResult`). */
export const pretrainedInfo = new WeakMap<RegistryModel, PretrainedLoadResult>();

/**
 * Builds the model registered as `name`, as timm.create_model: `options` override the architecture
 * (camelCase timm keywords: imgSize, patchSize, embedDim, depth, numHeads, mlpRatio, numClasses,
 * globalPool, classToken, fcNorm, noEmbedClass, initValues, qkvBias, ...); `pretrained` loads weights
 * (the position table is resampled to `imgSize`; a classifier with another class count stays
 * freshly initialised). On any error nothing is left allocated.
 */
export async function createModel(name: string, options: CreateModelOptions = {}): Promise<RegistryModel> {
  const entry = modelEntry(name);
  const { pretrained, ...architecture } = options;
  if (pretrained === true) throw new Error(`createModel('${name}'): pretrained: true needs weights: pass a file path or the file's bytes (nothing is downloaded)`);
  const bytes = pretrained === undefined || pretrained === false ? undefined : await readPretrained(pretrained);
  if (bytes !== undefined && !(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new Error(`createModel('${name}'): pretrained must be a file path, a Uint8Array or an ArrayBuffer`);
  }
  const model = entry.create(architecture);
  if (bytes !== undefined) {
    try {
      pretrainedInfo.set(model, loadPretrained(model, bytes));
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
  return model;
}
