/**
 * CIFAR-10 in its real binary format: `data_batch_1.bin` ... `data_batch_5.bin` and `test_batch.bin`,
 * each record 1 label byte + 3072 bytes of pixels (1024 R, 1024 G, 1024 B, row-major 32×32),
 * with `batches.meta.txt` naming the classes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageDataset } from './dataset.js';
import { validateDataset } from './dataset.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const RECORD = 1 + 3 * 32 * 32;

/** Finds the .bin files of a split in `dir` (or its `cifar-10-batches-bin` subfolder). */
function splitFiles(dir: string, split: 'train' | 'test'): string[] {
  if (!existsSync(dir)) throw new Error(`CIFAR-10: data directory ${dir} does not exist`);
  const root = existsSync(path.join(dir, 'cifar-10-batches-bin')) ? path.join(dir, 'cifar-10-batches-bin') : dir;
  const names = split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const files = names.map((n) => path.join(root, n)).filter((f) => existsSync(f));
  if (files.length === 0) throw new Error(`CIFAR-10: no ${names.join(' / ')} in ${root} (download cifar-10-binary.tar.gz and extract it there)`);
  return files;
}

export function loadCifar10(dir: string, split: 'train' | 'test'): ImageDataset {
  const chunks = splitFiles(dir, split).map((file) => {
    const bytes = readFileSync(file);
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new Error(`CIFAR-10: ${file} has ${bytes.length} bytes, not a multiple of the ${RECORD}-byte record`);
    }
    return bytes;
  });
  const count = chunks.reduce((n, c) => n + c.length / RECORD, 0);
  const pixels = new Uint8Array(count * 32 * 32 * 3);
  const labels = new Int32Array(count);
  let index = 0;
  for (const bytes of chunks) {
    for (let offset = 0; offset < bytes.length; offset += RECORD, index++) {
      labels[index] = bytes[offset]!;
      // Planar CHW on disk -> interleaved HWC in memory.
      const base = index * 3072;
      for (let p = 0; p < 1024; p++) {
        for (let c = 0; c < 3; c++) pixels[base + p * 3 + c] = bytes[offset + 1 + c * 1024 + p]!;
      }
    }
  }
  const metaFile = path.join(path.dirname(splitFiles(dir, split)[0]!), 'batches.meta.txt');
  const classNames = existsSync(metaFile)
    ? readFileSync(metaFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean)
    : CIFAR10_CLASSES;
  return validateDataset({ name: 'cifar10', classNames, pixels, labels, height: 32, width: 32, channels: 3 });
}

/** Writes records in the CIFAR-10 binary format (tests make small files with it). */
export function encodeCifar10(pixelsHWC: Uint8Array, labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length * RECORD);
  for (let i = 0; i < labels.length; i++) {
    out[i * RECORD] = labels[i]!;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) out[i * RECORD + 1 + c * 1024 + p] = pixelsHWC[i * 3072 + p * 3 + c]!;
    }
  }
  return out;
}
