/**
 * Bundler / browser entry setup: the bundler resolves tfjs-core's ESM build, whose gradient and
 * chained-op modules register themselves into the same (single) engine.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { assertGradientsRegistered } from './self-check.js';

assertGradientsRegistered('browser entry');
