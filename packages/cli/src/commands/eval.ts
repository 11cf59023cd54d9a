/** `vit eval`: accuracy of a checkpoint on a dataset's test split. */
import type { Command } from 'commander';
import { parseBackend, useBackend } from '../backend.js';
import { loadCheckpointModel } from '../checkpoint.js';
import { loadSplits } from '../data/load.js';
import { evaluate } from '../train/evaluate.js';
import { addBackendOption, addDataOptions, int } from './options.js';
import { printTable } from './table.js';

export function registerEval(program: Command): void {
  const cmd = program.command('eval').description('evaluate a checkpoint on a dataset')
    .requiredOption('--checkpoint <file>', 'model checkpoint (model.safetensors)')
    .option('--batch-size <n>', 'batch size', int('--batch-size'), 128)
    .option('--seed <n>', 'synthetic data seed', int('--seed'), 0)
    .option('--quiet', 'no progress bar');
  addDataOptions(cmd);
  addBackendOption(cmd);
  cmd.action(async (opts: Record<string, any>) => {
    const backend = await useBackend(parseBackend(opts.backend));
    const { model, meta } = await loadCheckpointModel(opts.checkpoint);
    const { test } = loadSplits({ dataset: opts.dataset, dataDir: opts.dataDir, imageSize: meta.imageSize, testSize: opts.testSize, trainSize: 0, seed: opts.seed });
    if (test.classNames.length !== meta.classNames.length) {
      throw new Error(`head size mismatch: the checkpoint has ${meta.classNames.length} classes, the dataset ${test.classNames.length}`);
    }
    const e = await evaluate(model, test, meta.normalization, { batchSize: opts.batchSize, quiet: opts.quiet === true });
    printTable([['checkpoint', 'dataset', 'images', 'accuracy', 'loss', 'img/s', 'backend'],
      [opts.checkpoint, test.name, String(e.count), `${(e.accuracy * 100).toFixed(2)}%`, e.loss.toFixed(4), e.imagesPerSecond.toFixed(1), backend]]);
    model.dispose();
  });
}
