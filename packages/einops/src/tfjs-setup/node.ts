/**
 * Node entry setup: tfjs-core's Node (CommonJS) entry registers no gradients and no chained ops.
 * We load tfjs-core's own gradient definitions, re-linked at build time against that same CJS
 * copy (see scripts/relink-tfjs-gradients.mjs), so there is still exactly one tfjs-core.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { assertGradientsRegistered } from './self-check.js';

if (tf.getGradient('BatchMatMul') === undefined) {
  createRequire(import.meta.url)('../tfjs-gradients.node.cjs');
}
assertGradientsRegistered('Node entry');
