/** `--dataset synthetic|cifar10|folder` with `--data-dir`: the train and test splits. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadCifar10 } from './cifar10.js';
import type { ImageDataset } from './dataset.js';
import { loadImageFolder } from './folder.js';
import { generateShapes10 } from './synthetic.js';

export const DATASETS = ['synthetic', 'cifar10', 'folder'] as const;

export interface DataOptions {
  dataset: string;
  dataDir?: string;
  imageSize: number;
  trainSize?: number;
  testSize?: number;
  seed?: number;
}

export function loadSplits(options: DataOptions): { train: ImageDataset; test: ImageDataset } {
  switch (options.dataset) {
    case 'synthetic': {
      const seed = options.seed ?? 0;
      return {
        train: generateShapes10({ count: options.trainSize ?? 10_000, seed: seed * 2 + 1, size: options.imageSize }),
        test: generateShapes10({ count: options.testSize ?? 2_000, seed: seed * 2 + 2, size: options.imageSize }),
      };
    }
    case 'cifar10': {
      const dir = requireDir(options.dataDir, 'cifar10');
      if (options.imageSize !== 32) throw new Error(`CIFAR-10 images are 32x32; use --img-size 32 (got ${options.imageSize})`);
      return { train: loadCifar10(dir, 'train'), test: loadCifar10(dir, 'test') };
    }
    case 'folder': {
      const dir = requireDir(options.dataDir, 'folder');
      const trainDir = path.join(dir, 'train');
      const testDir = path.join(dir, 'test');
      if (!existsSync(trainDir) || !existsSync(testDir)) {
        throw new Error(`image folder dataset ${dir} needs train/<class>/* and test/<class>/* subfolders`);
      }
      const train = loadImageFolder(trainDir, options.imageSize);
      const test = loadImageFolder(testDir, options.imageSize);
      if (train.classNames.join('/') !== test.classNames.join('/')) {
        throw new Error(`train and test class folders differ: ${train.classNames.join(', ')} vs ${test.classNames.join(', ')}`);
      }
      return { train, test };
    }
    default:
      throw new Error(`unknown dataset '${options.dataset}' (expected one of: ${DATASETS.join(', ')})`);
  }
}

function requireDir(dir: string | undefined, dataset: string): string {
  if (dir === undefined) throw new Error(`--dataset ${dataset} needs --data-dir`);
  if (!existsSync(dir)) throw new Error(`data directory ${dir} does not exist`);
  return dir;
}
