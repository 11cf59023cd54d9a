/** Paths into ../shared (fixtures, peers), which sits beside the repository checkout. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SHARED_DIR = process.env['VIT_SHARED_DIR'] ?? path.resolve(repoRoot, '..', 'shared');

export function sharedPath(relative: string): string {
  const full = path.join(SHARED_DIR, relative);
  if (!existsSync(full)) throw new Error(`missing ${full}: tests read ../shared beside the checkout (or set VIT_SHARED_DIR)`);
  return full;
}
