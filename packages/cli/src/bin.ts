#!/usr/bin/env node
/** The `vit` command line. */
import { Command } from 'commander';
import { registerConvert } from './commands/convert.js';
import { registerDistill } from './commands/distill.js';
import { registerEval } from './commands/eval.js';
import { registerInfo } from './commands/info.js';
import { registerPredict } from './commands/predict.js';
import { registerStart } from './commands/start.js';
import { registerTrain } from './commands/train.js';

const program = new Command('vit').description('Vision Transformers on TensorFlow.js: train, evaluate, distill, predict').showHelpAfterError();
registerStart(program);
registerTrain(program);
registerEval(program);
registerPredict(program);
registerDistill(program);
registerInfo(program);
registerConvert(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Errors users can act on get one clear line, not a stack trace.
  console.error(`vit: ${(e as Error).message}`);
  process.exitCode = 1;
}
