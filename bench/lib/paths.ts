/** Where the bench finds its files on disk (Node only). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(BENCH_DIR, '..');
/** The shared peer files (ViT-Ti/16 ONNX, safetensors, torch logits, inputs): VIT_PEERS_DIR or ../shared/peers. */
export const PEERS_DIR = process.env['VIT_PEERS_DIR'] ? resolve(process.env['VIT_PEERS_DIR']) : resolve(REPO_ROOT, '..', 'shared', 'peers');
/** Generated models and graphs (not committed): VIT_BENCH_CACHE or bench/.cache. */
export const CACHE_DIR = process.env['VIT_BENCH_CACHE'] ? resolve(process.env['VIT_BENCH_CACHE']) : join(BENCH_DIR, '.cache');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** 'peers/<file>' or 'cache/<file>' → a path. */
export function assetPath(name: string): string {
  const [root, ...rest] = name.split('/');
  const file = rest.join('/');
  if (file === '' || file.includes('..')) throw new Error(`bad asset name '${name}'`);
  if (root === 'peers') return join(PEERS_DIR, file);
  if (root === 'cache') return join(CACHE_DIR, file);
  throw new Error(`unknown asset root in '${name}' (expected peers/ or cache/)`);
}
